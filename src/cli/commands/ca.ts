import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ParseArgsConfig } from 'node:util';
import { bootstrapDataDir } from '../../runtime/bootstrap.ts';
import { caAdmin, CaAdminError } from '../../runtime/ca-admin.ts';
import { dataDirCommand } from '../data-dir-command.ts';
import type { Store } from '../../store/index.ts';
import { EXIT_FAILED, EXIT_OK, type CliCommand, type CliIo } from '../io.ts';
import { certificateView } from '../../http/routes/admin/views.ts';

/** A command on the data folder's CA (bootstrapped first: `elo ca` works before the first start). */
function caCommand(
  help: string,
  options: ParseArgsConfig['options'],
  body: (ctx: { values: Record<string, any>; io: CliIo; ca: ReturnType<typeof caAdmin>; now: Date; store: Store }) => Promise<number>,
): CliCommand {
  return dataDirCommand(help, options, async ({ values, io, config, store, now }) => {
    await bootstrapDataDir(config, store, now);
    return body({ values, io, ca: caAdmin(config, store), now, store });
  });
}

const json = (io: CliIo, v: unknown) => io.out(JSON.stringify(v, null, 2));

export const runCaInit = caCommand(
  `Uso: elo ca init [--intermediaria] [--json]

Garante a AC raiz da federação na pasta de dados (criada também na primeira partida) e, com
--intermediaria, cria uma AC intermediária que passa a emitir os certificados dos sistemas.`,
  { intermediaria: { type: 'boolean' } },
  async ({ values, io, ca, now }) => {
    const created = values.intermediaria ? await ca.createIntermediate(now) : null;
    const { issuer } = await ca.issuing();
    if (values.json) json(io, { raiz: ca.paths.caCert, intermediaria: created, emissora: issuer.certificate.subject });
    else io.out(`AC raiz: ${ca.paths.caCert}${created ? `\nAC intermediária criada: ${created}` : ''}\nEmissora dos certificados de sistemas: ${issuer.certificate.subject}`);
    return EXIT_OK;
  },
);

export const runCaIssue = caCommand(
  `Uso: elo ca issue --sistema ID [--csr ARQUIVO.pem] [--saida PASTA] [--dias N]
                   [--sei [--senha SENHA] [--gravar-chave] [--gravar-senha]] [--json]

Emite um certificado de cliente para um sistema registrado, a partir de uma CSR (a chave fica
com o sistema) ou de uma chave gerada aqui (gravada em ARQUIVO.key.pem).

Com --sei grava o arquivo PEM único que o módulo PEN do SEI lê (certificado, cadeia e chave
privada cifrada) e imprime a senha: use-os em LocalizacaoCertificado e SenhaCertificado. A chave
só existe cifrada nesse arquivo; --gravar-chave grava também uma cópia aberta e --gravar-senha
grava a senha num arquivo ao lado.`,
  {
    sistema: { type: 'string' },
    csr: { type: 'string' },
    saida: { type: 'string' },
    dias: { type: 'string' },
    sei: { type: 'boolean' },
    senha: { type: 'string' },
    'gravar-chave': { type: 'boolean' },
    'gravar-senha': { type: 'boolean' },
  },
  async ({ values, io, ca, now }) => {
    if (!values.sistema) throw new CaAdminError('Informe o sistema com --sistema ID.');
    const days = values.dias === undefined ? undefined : Number(values.dias);
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) throw new CaAdminError('--dias deve ser um número inteiro entre 1 e 3650.');
    const r = await ca.issueSystemCertificate(
      {
        systemId: values.sistema,
        csrPem: values.csr ? readFileSync(resolve(io.cwd, values.csr), 'utf8') : undefined,
        outDir: resolve(io.cwd, values.saida ?? `${ca.paths.systems}/${values.sistema}`),
        days,
        sei: values.sei ? { password: values.senha, writeKey: values['gravar-chave'] === true, writePassword: values['gravar-senha'] === true } : undefined,
      },
      now,
    );
    if (values.json) json(io, { sistema: values.sistema, ...r });
    else {
      io.out(`Certificado emitido para o sistema "${values.sistema}" (série ${r.serial}, válido até ${r.notAfter}).`);
      io.out('Arquivos gravados:');
      for (const [k, v] of Object.entries(r.files)) io.out(`  ${k.padEnd(11)} ${v}`);
      if (r.password) {
        io.out(`  SenhaCertificado: ${r.password}`);
        if (!r.files.senha) io.out('Anote a senha agora: ela não foi gravada em arquivo (use --gravar-senha para gravá-la).');
      }
    }
    return EXIT_OK;
  },
);

export const runCaRevoke = caCommand(
  `Uso: elo ca revoke (--fingerprint SHA256 | --serie SERIE) [--json]

Revoga um certificado de sistema: a próxima requisição com ele é recusada. Publica as LCRs.`,
  { fingerprint: { type: 'string' }, serie: { type: 'string' } },
  async ({ values, io, ca, now }) => {
    if (!values.fingerprint && !values.serie) throw new CaAdminError('Informe --fingerprint ou --serie do certificado a revogar.');
    const r = await ca.revoke({ fingerprint256: values.fingerprint, serial: values.serie }, now);
    if (values.json) json(io, { revogado: r.certificate, lcrs: r.crls });
    else io.out(`Certificado ${r.certificate.serial} do sistema "${r.certificate.systemId}" revogado em ${r.certificate.revokedAt}.\nLCRs publicadas: ${r.crls.join(', ')}`);
    return EXIT_OK;
  },
);

export const runCaCrl = caCommand(
  `Uso: elo ca crl [--json]

Publica de novo as listas de certificados revogados (válidas por 7 dias; o hub as renova a cada dia).`,
  {},
  async ({ values, io, ca, now }) => {
    const crls = await ca.publishCrls(now);
    if (values.json) json(io, { lcrs: crls });
    else io.out(`LCRs publicadas: ${crls.join(', ')}`);
    return EXIT_OK;
  },
);

export const runCaRotateHub = caCommand(
  `Uso: elo ca rotate-hub [--json]

Emite novos certificados TLS e de assinatura para o hub; os anteriores ficam em pki/arquivo/.
Reinicie o hub para usar os novos.`,
  {},
  async ({ values, io, ca, now }) => {
    const files = await ca.rotateHub(now);
    if (values.json) json(io, { certificados: files });
    else io.out(`Novos certificados do hub: ${files.join(', ')}\nReinicie o hub para usá-los.`);
    return EXIT_OK;
  },
);

export const runCertList = caCommand(
  `Uso: elo cert list [--sistema ID] [--json]

Lista os certificados registrados, com a situação e os dias que faltam para expirar.`,
  { sistema: { type: 'string' } },
  async ({ values, io, ca, now, store }) => {
    // a system that does not exist is a mistake to say, not an empty list (a typo would look like "no certificates")
    if (values.sistema && !(await store.registry.getSystem(values.sistema))) {
      io.err(`Sistema "${values.sistema}" não encontrado. Use "elo system list" para ver os sistemas registrados.`);
      return EXIT_FAILED;
    }
    const list = (await ca.listCertificates(now)).filter((c) => !values.sistema || c.systemId === values.sistema);
    if (values.json) {
      json(io, list.map(certificateView));
      return EXIT_OK;
    }
    if (!list.length) io.out(values.sistema ? `Nenhum certificado registrado para o sistema "${values.sistema}".` : 'Nenhum certificado registrado.');
    for (const c of list)
      io.out(
        `${c.systemId.padEnd(20)} ${c.status === 'active' ? 'ativo   ' : 'revogado'} série ${c.serial}  expira em ${c.notAfter.slice(0, 10)} (${c.diasParaExpirar} dias)  SHA-256 ${c.fingerprint256}`,
      );
    return EXIT_OK;
  },
);
