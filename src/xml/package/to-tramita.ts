/**
 * From the package model to the Tramita protocol's JSON (spec §2.8, §2.9, §3): what a sender on
 * the native face signed, as a Tramita start body. The start service validates it exactly as a
 * body received on the Tramita face (code lists, limits, component plan), and a recipient on the
 * Tramita face (an SEI) reads the `processo`/`documento` of it in `GET tramites/{IDT}` (§2.16).
 * Pure and deterministic: the same model always gives the same bytes, so the spans found in them
 * at the start hold whenever the stored package is mapped again.
 */
import type { Pacote, PacoteAssinatura, PacoteComponente, PacoteDocumento, PacoteProcesso, PacoteProdutor, PacoteUnidade } from './model.ts';

/**
 * The NRE a native sender writes for a process that has none yet (the package schema requires
 * 16 digits): no NRE is all zeros (Elo's start with 9, spec §4.1), so the hub allocates one.
 */
export const NRE_A_ATRIBUIR = '0000000000000000';

/** Keeps only defined members, in the order written: absent fields stay absent (§1.5.4). */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const unidade = (u: PacoteUnidade) => ({
  identificacaoDoRepositorioDeEstruturas: u.identificacaoDoRepositorioDeEstruturas,
  numeroDeIdentificacaoDaEstrutura: u.numeroDeIdentificacaoDaEstrutura,
});

const hipotese = (n: number | undefined) => (n === undefined ? undefined : { identificacao: n });

const produtor = (p: PacoteProdutor) =>
  defined({
    nome: p.nome,
    numeroDeIdentificacao: p.numeroDeIdentificacao,
    tipo: p.tipo,
    unidade: p.unidade && defined({ nome: p.unidade.nome, tipo: p.unidade.tipo }),
  });

const assinatura = (a: PacoteAssinatura) =>
  defined({
    razao: a.razao,
    observacao: a.observacao,
    dataHora: a.dataHora,
    hash: a.hash && defined({ algoritmo: a.hash.algoritmo, conteudo: a.hash.conteudo }),
    cadeiaDoCertificado: a.cadeiaDoCertificado && defined({ formato: a.cadeiaDoCertificado.formato, conteudo: a.cadeiaDoCertificado.conteudo }),
  });

const componente = (c: PacoteComponente) =>
  defined({
    ordem: c.ordem,
    nome: c.nome,
    hash: { algoritmo: c.hash.algoritmo, conteudo: c.hash.conteudo },
    tamanhoEmBytes: c.tamanhoEmBytes,
    mimeType: c.mimeType,
    dadosComplementaresDoTipoDeArquivo: c.dadosComplementaresDoTipoDeArquivo,
    tipoDeConteudo: c.tipoDeConteudo,
    assinaturasDigitais: c.assinaturasDigitais?.map(assinatura),
  });

const documento = (d: PacoteDocumento) =>
  defined({
    ordem: d.ordem,
    protocolo: d.protocolo,
    descricao: d.descricao,
    retirado: d.retirado,
    nivelDeSigilo: d.nivelDeSigilo,
    hipoteseLegal: hipotese(d.hipoteseLegal),
    dataHoraDeProducao: d.dataHoraDeProducao,
    dataHoraDeRegistro: d.dataHoraDeRegistro,
    produtor: d.produtor && produtor(d.produtor),
    especie: { codigo: d.especie.codigo, nomeNoProdutor: d.especie.nomeNoProdutor },
    // §3.2: número and ano travel as text in the package; text is what the protocol accepts too
    identificacao:
      d.identificacao &&
      defined({
        numero: d.identificacao.numero,
        siglaDaUnidadeProdutora: d.identificacao.siglaDaUnidadeProdutora,
        complemento: d.identificacao.complemento,
        ano: d.identificacao.ano,
      }),
    protocoloDoProcessoAnexado: d.protocoloDoProcessoAnexado,
    ordemDoDocumentoReferenciado: d.ordemDoDocumentoReferenciado,
    componentesDigitais: d.componentesDigitais.map(componente),
  });

const processo = (p: PacoteProcesso): Record<string, unknown> =>
  defined({
    protocolo: p.protocolo,
    nivelDeSigilo: p.nivelDeSigilo,
    hipoteseLegal: hipotese(p.hipoteseLegal),
    processoDeNegocio: p.processoDeNegocio,
    descricao: p.descricao,
    dataHoraDeProducao: p.dataHoraDeProducao,
    dataHoraDeRegistro: p.dataHoraDeRegistro,
    produtor: { ...produtor(p.produtor), nome: p.produtor.nome },
    interessados: p.interessados?.map((i) => defined({ nome: i.nome, numeroDeIdentificacao: i.numeroDeIdentificacao })),
    observacao: p.observacao,
    itensHistorico: p.itensHistorico?.map((h) =>
      defined({ dataHoraOperacao: h.dataHoraOperacao, unidadeOperacao: h.unidadeOperacao, operacao: h.operacao, usuario: h.usuario }),
    ),
    documentos: p.documentos.map(documento),
    processoApensado: p.processosApensados?.map(processo),
  });

/**
 * The start body (`POST tramites/processo`, §2.8, or `tramites/documento` to the one
 * destinatário of the package, §2.9) that carries the package. The cabeçalho's hub-filled fields
 * stay out: the IDT, the components' date and `hashDosMetadados` are not the sender's, and the
 * NRE travels only when it is a real one (not {@link NRE_A_ATRIBUIR}). `propriedadesAdicionais`
 * values are the package's text (SEI's integer prazos arrive as their decimal text).
 *
 * @example
 * const body = tramitaStartBody(readPackageXml(verified.signedXml).value);
 * await start.startProcesso({ caller, rawBody: body });
 */
export function tramitaStartBody(p: Pacote): Uint8Array {
  const c = p.cabecalho;
  const common = {
    remetente: unidade(c.remetente),
    enviarApenasComponentesDigitaisPendentes: c.enviarApenasComponentesDigitaisPendentes,
    NRE: c.NRE === NRE_A_ATRIBUIR ? undefined : c.NRE,
    urgencia: c.urgencia,
    motivoDaUrgencia: c.motivoDaUrgencia,
    propriedadesAdicionais: c.propriedadesAdicionais?.map((x) => ({ chave: x.chave, valor: x.valor })),
  };
  const body =
    'processo' in p
      ? { cabecalho: defined({ ...common, destinatario: unidade(c.destinatario) }), processo: processo(p.processo) }
      : { cabecalho: defined({ ...common, destinatarios: [unidade(c.destinatario)] }), documento: documento(p.documento) };
  return new TextEncoder().encode(JSON.stringify(body));
}
