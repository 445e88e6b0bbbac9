import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TramiteComponent, TramiteRecord } from '../../src/domain/tramite.ts';
import type { Pacote, StoredTramite } from '../../src/xml/package-xml.ts';

const root = resolve(import.meta.dirname, '../..');
export const PACOTE_XSD = join(root, 'federation/schemas/pacote.xsd');

export const fixtureBytes = (name: string): Uint8Array => readFileSync(join(root, 'fixtures/packages', name));

/** A trâmite record as the store keeps it once its components are complete (situação 2). */
export function completeTramite(over: Partial<TramiteRecord> = {}): TramiteRecord {
  return {
    idt: 1000000123,
    nre: '0000025656262025',
    kind: 'processo',
    protocolo: '99990.000001/2026-01',
    remetente: { repositoryId: 1, numero: '159098' },
    destinatario: { repositoryId: 1, numero: '171456' },
    receptora: null,
    senderSystemId: 'sys-a',
    receiverSystemId: 'sys-b',
    situacao: 2,
    ticket: '7310042',
    isReplay: false,
    envioParcial: false,
    urgente: false,
    motivoUrgencia: null,
    metadataBlobKey: 'meta/1000000123',
    packageSpan: null,
    propsSpan: null,
    createdAt: '2026-03-10T17:22:05.000Z',
    lastTransitionAt: '2026-03-10T17:40:12.000Z',
    componentsCompleteAt: '2026-03-10T17:40:12.000Z',
    refusal: null,
    ...over,
  };
}

/** The component rows of a trâmite holding `hashes`. */
export const componentRows = (hashes: string[]): TramiteComponent[] =>
  hashes.map((hash) => ({
    hash,
    size: 1,
    protocolo: '99990.000001/2026-01',
    requested: true,
    received: true,
    pendingForReceiver: true,
    delivered: false,
    occurrences: 1,
  }));

/** Every component hash a start body declares (any depth). */
export function declaredHashes(body: Uint8Array): string[] {
  const out: string[] = [];
  JSON.parse(new TextDecoder().decode(body), (key, value) => {
    if (key === 'hash' && value && value.algoritmo === 'SHA256') out.push(value.conteudo);
    return value;
  });
  return out;
}

/** The stored trâmite of one fixture of fixtures/packages/. */
export function storedFixture(name: string, over: Partial<TramiteRecord> = {}): StoredTramite {
  const body = fixtureBytes(name);
  const kind = name.startsWith('avulso') ? 'documento' : 'processo';
  return { body, tramite: completeTramite({ kind, ...over }), components: componentRows(declaredHashes(body)) };
}

/**
 * `xmllint --noout --schema pacote.xsd` on `xml` (Debian's libxml2, as CI installs it): its exit
 * status and what it printed.
 */
export function xmllintSchema(xml: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'elo-pacote-'));
  try {
    const file = join(dir, 'pacote.xml');
    writeFileSync(file, xml);
    const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', PACOTE_XSD, file], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
    });
    if (r.error) throw r.error;
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A processo package with `s` in every text field that takes free text. */
export function specialModel(s: string): Pacote {
  const hash = { algoritmo: 'SHA256', conteudo: 'lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6bNM=' };
  const produtor = { nome: s, tipo: s, numeroDeIdentificacao: s, unidade: { nome: s, tipo: s } };
  return {
    cabecalho: {
      NRE: '0000025656262025',
      IDT: 1000000123,
      tipo: 'processo',
      remetente: { identificacaoDoRepositorioDeEstruturas: 1, numeroDeIdentificacaoDaEstrutura: '159098', nome: s },
      destinatario: { identificacaoDoRepositorioDeEstruturas: 1, numeroDeIdentificacaoDaEstrutura: '171456', nome: s },
      urgencia: true,
      motivoDaUrgencia: 1,
      enviarApenasComponentesDigitaisPendentes: false,
      hashDosMetadados: hash,
      dataDeRecebimentoDoUltimoComponenteDigital: s,
      propriedadesAdicionais: [{ chave: s, valor: s }],
    },
    processo: {
      protocolo: s,
      nivelDeSigilo: '2',
      hipoteseLegal: 1,
      processoDeNegocio: s,
      descricao: s,
      dataHoraDeProducao: s,
      dataHoraDeRegistro: s,
      produtor,
      interessados: [{ nome: s, numeroDeIdentificacao: s }],
      observacao: s,
      itensHistorico: [{ dataHoraOperacao: s, unidadeOperacao: s, operacao: s, usuario: s }],
      documentos: [
        {
          ordem: 1,
          protocolo: s,
          descricao: s,
          retirado: false,
          nivelDeSigilo: '1',
          dataHoraDeProducao: s,
          dataHoraDeRegistro: s,
          produtor,
          especie: { codigo: 42, nomeNoProdutor: s },
          identificacao: { numero: s, siglaDaUnidadeProdutora: s, complemento: s, ano: s },
          protocoloDoProcessoAnexado: s,
          ordemDoDocumentoReferenciado: 1,
          componentesDigitais: [
            {
              ordem: 1,
              nome: s,
              hash,
              tamanhoEmBytes: 52,
              mimeType: s,
              dadosComplementaresDoTipoDeArquivo: s,
              tipoDeConteudo: s,
              assinaturasDigitais: [
                {
                  razao: s,
                  observacao: s,
                  dataHora: s,
                  hash: { algoritmo: s, conteudo: s },
                  cadeiaDoCertificado: { formato: s, conteudo: s },
                },
              ],
            },
          ],
        },
      ],
      processosApensados: [
        {
          protocolo: `${s}-apensado`,
          nivelDeSigilo: '1',
          dataHoraDeProducao: s,
          produtor: { nome: s },
          documentos: [
            {
              ordem: 1,
              retirado: true,
              nivelDeSigilo: '1',
              especie: { codigo: 42, nomeNoProdutor: s },
              componentesDigitais: [{ ordem: 1, nome: s, hash, tamanhoEmBytes: 0, mimeType: s, tipoDeConteudo: s }],
            },
          ],
        },
      ],
    },
  };
}

/** A processo package of `n` documents, each with one signed component, as SEI sends them. */
export function manyDocuments(n: number): Pacote {
  const base = specialModel('Ofício nº 12 & anexos');
  if (!('processo' in base)) throw new Error('processo expected');
  const doc = base.processo.documentos[0]!;
  return {
    ...base,
    processo: {
      ...base.processo,
      processosApensados: undefined,
      documentos: Array.from({ length: n }, (_, i) => ({ ...doc, ordem: i + 1, descricao: `Documento ${i + 1}` })),
    },
  } as Pacote;
}
