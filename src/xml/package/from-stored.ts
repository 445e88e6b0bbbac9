/**
 * From what Elo stores of a trâmite to its package model: the exact bytes of the start body
 * received on the Tramita face (spec §2.8, §2.9; ARCHITECTURE "Byte stability"), the trâmite
 * record and its components. Pure: the service reads the blob and the rows and passes them in.
 */
import { EloError } from '../../domain/errors.ts';
import {
  parseIniciarTramiteDocumento,
  parseIniciarTramiteProcesso,
  type CodeLists,
  type ComponenteDigital,
  type Documento,
  type Processo,
  type Produtor,
} from '../../domain/tramita/index.ts';
import type { TramiteComponent, TramiteRecord } from '../../domain/tramite.ts';
import { toBase64 } from '../../pki/encoding.ts';
import { sha256 } from '../../pki/sha256.ts';
import type {
  Pacote,
  PacoteAssinatura,
  PacoteCabecalho,
  PacoteComponente,
  PacoteDocumento,
  PacoteProcesso,
  PacoteProdutor,
} from './model.ts';
import { toXmlSafe } from './xml-text.ts';
import { storedSignedPackage } from '../signed-package.ts';

export interface StoredTramite {
  /** The exact bytes of the start body, as stored (`TramiteRecord.metadataBlobKey`). */
  body: Uint8Array;
  tramite: TramiteRecord;
  /** The trâmite's distinct component hashes (store `TramiteComponent` rows). */
  components: readonly TramiteComponent[];
  /** Structure names, when the directory knows them. */
  names?: { remetente?: string; destinatario?: string };
}

/**
 * The body was validated when it was accepted; the package records what was received, so a code
 * list changed since (an espécie withdrawn) must not make it unreadable. Every code passes here.
 */
const everyCode = { has: () => true } as unknown as ReadonlySet<number>;
const ACCEPTED_LISTS: CodeLists = {
  especies: everyCode,
  hipotesesLegais: everyCode,
  motivosUrgencia: Number.MAX_SAFE_INTEGER,
};

const unreadable = (t: TramiteRecord, what: string): never => {
  throw new EloError(
    'stored_package_unreadable',
    `O pacote do trâmite ${t.idt} não pôde ser montado a partir do que foi armazenado: ${what}. Verifique a integridade da pasta de dados (elo data-dir check) e os registros do trâmite.`,
    { idt: t.idt },
  );
};

/** Optional text, XML-safe (xml-text.ts); `undefined` stays absent. */
const t = (s: string | undefined): string | undefined => (s === undefined ? undefined : toXmlSafe(s));
/** Optional value written as text (a number some senders send as such, §3.2). */
const numText = (v: number | string | undefined): string | undefined =>
  v === undefined ? undefined : toXmlSafe(String(v));
/** Keeps only defined members, so an absent field stays absent in the model. */
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const nonEmpty = <T>(xs: T[] | undefined): T[] | undefined => (xs && xs.length > 0 ? xs : undefined);
const byOrdem = <T extends { ordem: number }>(xs: readonly T[]): T[] => [...xs].sort((a, b) => a.ordem - b.ordem);

const objectOrUndefined = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** A relayed scalar as text; anything else (objects, null) has no text form and is left out. */
function scalar(o: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? toXmlSafe(String(v)) : undefined;
}

/** §3.4: relayed unchanged and never validated, so only the scalars of the known fields are read. */
function assinatura(raw: unknown): PacoteAssinatura {
  const a = objectOrUndefined(raw);
  const hash = objectOrUndefined(a?.hash);
  const cadeia = objectOrUndefined(a?.cadeiaDoCertificado);
  return defined({
    razao: scalar(a, 'razao'),
    observacao: scalar(a, 'observacao'),
    dataHora: scalar(a, 'dataHora'),
    hash: hash && defined({ algoritmo: scalar(hash, 'algoritmo'), conteudo: scalar(hash, 'conteudo') }),
    cadeiaDoCertificado:
      cadeia && defined({ formato: scalar(cadeia, 'formato'), conteudo: scalar(cadeia, 'conteudo') }),
  });
}

function componente(c: ComponenteDigital): PacoteComponente {
  return defined({
    ordem: c.ordem,
    nome: toXmlSafe(c.nome),
    hash: { algoritmo: c.hash.algoritmo, conteudo: c.hash.conteudo },
    tamanhoEmBytes: c.tamanhoEmBytes,
    mimeType: toXmlSafe(c.mimeType),
    dadosComplementaresDoTipoDeArquivo: t(c.dadosComplementaresDoTipoDeArquivo),
    tipoDeConteudo: c.tipoDeConteudo,
    assinaturasDigitais: nonEmpty(c.assinaturasDigitais?.map(assinatura)),
  });
}

function produtor(p: Produtor): PacoteProdutor {
  return defined({
    nome: t(p.nome),
    tipo: t(p.tipo),
    numeroDeIdentificacao: t(p.numeroDeIdentificacao),
    unidade: p.unidade && defined({ nome: t(p.unidade.nome), tipo: t(p.unidade.tipo) }),
  });
}

function documento(d: Documento): PacoteDocumento {
  return defined({
    ordem: d.ordem,
    protocolo: t(d.protocolo),
    descricao: t(d.descricao),
    retirado: d.retirado,
    nivelDeSigilo: d.nivelDeSigilo,
    hipoteseLegal: d.hipoteseLegal?.identificacao,
    dataHoraDeProducao: t(d.dataHoraDeProducao),
    dataHoraDeRegistro: t(d.dataHoraDeRegistro),
    produtor: d.produtor && produtor(d.produtor),
    especie: { codigo: d.especie.codigo, nomeNoProdutor: toXmlSafe(d.especie.nomeNoProdutor) },
    identificacao:
      d.identificacao &&
      defined({
        numero: numText(d.identificacao.numero),
        siglaDaUnidadeProdutora: t(d.identificacao.siglaDaUnidadeProdutora),
        complemento: t(d.identificacao.complemento),
        ano: numText(d.identificacao.ano),
      }),
    protocoloDoProcessoAnexado: t(d.protocoloDoProcessoAnexado),
    ordemDoDocumentoReferenciado: d.ordemDoDocumentoReferenciado,
    componentesDigitais: byOrdem(d.componentesDigitais).map(componente),
  });
}

function processo(p: Processo): PacoteProcesso {
  return defined({
    protocolo: toXmlSafe(p.protocolo),
    nivelDeSigilo: p.nivelDeSigilo,
    hipoteseLegal: p.hipoteseLegal?.identificacao,
    processoDeNegocio: t(p.processoDeNegocio),
    descricao: t(p.descricao),
    dataHoraDeProducao: p.dataHoraDeProducao,
    dataHoraDeRegistro: t(p.dataHoraDeRegistro),
    produtor: { ...produtor(p.produtor), nome: toXmlSafe(p.produtor.nome) },
    interessados: nonEmpty(
      p.interessados?.map((i) => defined({ nome: toXmlSafe(i.nome), numeroDeIdentificacao: t(i.numeroDeIdentificacao) })),
    ),
    observacao: t(p.observacao),
    itensHistorico: nonEmpty(
      p.itensHistorico?.map((h) =>
        defined({
          dataHoraOperacao: t(h.dataHoraOperacao),
          unidadeOperacao: t(h.unidadeOperacao),
          operacao: t(h.operacao),
          usuario: t(h.usuario),
        }),
      ),
    ),
    documentos: byOrdem(p.documentos).map(documento),
    processosApensados: nonEmpty(p.processoApensado.map(processo)),
  });
}

/** Every non-retirado component hash of the package must be one the trâmite holds (spec §2.10). */
function checkComponents(s: StoredTramite, docs: PacoteDocumento[]): void {
  const held = new Set(s.components.map((c) => c.hash));
  for (const d of docs) {
    if (d.retirado) continue;
    for (const c of d.componentesDigitais)
      if (!held.has(c.hash.conteudo))
        unreadable(s.tramite, `o componente ${c.hash.conteudo} do documento de ordem ${d.ordem} não consta dos componentes do trâmite`);
  }
}

const allDocuments = (p: PacoteProcesso): PacoteDocumento[] => [
  ...p.documentos,
  ...(p.processosApensados ?? []).flatMap(allDocuments),
];

/**
 * The package model of a trâmite whose components are complete (situação 2 onwards, spec §5.1).
 * Throws `stored_package_unreadable` (9066) when the stored bytes and rows do not fit together.
 *
 * @example
 * const pacote = pacoteFromStoredTramite({ body: await blobs.readAll(t.metadataBlobKey), tramite: t, components });
 * const xml = buildPackageXml(pacote);
 */
export function pacoteFromStoredTramite(s: StoredTramite): Pacote {
  const rec = s.tramite;
  if (rec.componentsCompleteAt === null) return unreadable(rec, 'os componentes digitais ainda não estão completos');
  const unit = (u: TramiteRecord['remetente'], nome: string | undefined) =>
    defined({ identificacaoDoRepositorioDeEstruturas: u.repositoryId, numeroDeIdentificacaoDaEstrutura: u.numero, nome: t(nome) });
  if (rec.metadataFormat === 'xml-assinado') return fromSignedPackage(s, rec.componentsCompleteAt, unit);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(s.body));
  } catch {
    return unreadable(rec, 'o corpo armazenado não é um JSON em UTF-8');
  }
  const parsed = rec.kind === 'processo' ? parseIniciarTramiteProcesso(json, ACCEPTED_LISTS) : parseIniciarTramiteDocumento(json, ACCEPTED_LISTS);
  if (!parsed.ok) return unreadable(rec, `o corpo armazenado não é mais um pedido válido (${parsed.error[0]?.path}: ${parsed.error[0]?.message})`);
  const props = parsed.value.cabecalho.propriedadesAdicionais;
  const cabecalho: PacoteCabecalho = defined({
    NRE: rec.nre,
    IDT: rec.idt,
    tipo: rec.kind,
    remetente: unit(rec.remetente, s.names?.remetente),
    destinatario: unit(rec.destinatario, s.names?.destinatario),
    urgencia: rec.urgente,
    motivoDaUrgencia: rec.motivoUrgencia ?? undefined,
    enviarApenasComponentesDigitaisPendentes: rec.envioParcial,
    hashDosMetadados: { algoritmo: 'SHA256', conteudo: toBase64(sha256(s.body)) },
    dataDeRecebimentoDoUltimoComponenteDigital: rec.componentsCompleteAt,
    propriedadesAdicionais: nonEmpty(props.map((p) => ({ chave: toXmlSafe(p.chave), valor: toXmlSafe(String(p.valor)) }))),
  });
  if ('processo' in parsed.value) {
    const p = processo(parsed.value.processo);
    checkComponents(s, allDocuments(p));
    return { cabecalho: { ...cabecalho, tipo: 'processo' }, processo: p };
  }
  const d = documento(parsed.value.documento);
  checkComponents(s, [d]);
  return { cabecalho: { ...cabecalho, tipo: 'documento' }, documento: d };
}

/**
 * A trâmite started on the native face keeps the sender's signed package (xml/signed-package.ts):
 * its content is the package, and the hub fills what only the hub knows — NRE, IDT, the units'
 * names and the components' date. There is no Tramita JSON, so no `hashDosMetadados`.
 */
function fromSignedPackage(
  s: StoredTramite,
  completeAt: string,
  unit: (u: TramiteRecord['remetente'], nome: string | undefined) => PacoteCabecalho['remetente'],
): Pacote {
  const rec = s.tramite;
  const signed = storedSignedPackage(s.body, rec.idt);
  const { hashDosMetadados: _absent, ...sent } = signed.cabecalho;
  const cabecalho: PacoteCabecalho = {
    ...sent,
    NRE: rec.nre,
    IDT: rec.idt,
    remetente: unit(rec.remetente, s.names?.remetente),
    destinatario: unit(rec.destinatario, s.names?.destinatario),
    dataDeRecebimentoDoUltimoComponenteDigital: completeAt,
  };
  if ('processo' in signed) {
    checkComponents(s, allDocuments(signed.processo));
    return { cabecalho: { ...cabecalho, tipo: 'processo' }, processo: signed.processo };
  }
  checkComponents(s, [signed.documento]);
  return { cabecalho: { ...cabecalho, tipo: 'documento' }, documento: signed.documento };
}
