/**
 * The Tramita REST v3 data model (spec §3) as Elo holds it after validation. Wire names are kept
 * exactly (ARCHITECTURE "Names"). Only fields defined in §3 survive parsing (§1.5.4); optional
 * fields are present only when the sender sent them.
 */

/** A unit: repository and structure (spec §2, §4.3). */
export interface UnidadeRef {
  identificacaoDoRepositorioDeEstruturas: number;
  /** Digit string, leading zeros stripped ("0" stays "0"); within signed 64-bit range (§3.5). */
  numeroDeIdentificacaoDaEstrutura: string;
}

/** `{algoritmo: "SHA256", conteudo: base64}` of a component (§3.3). */
export interface Hash {
  algoritmo: string;
  /** Base64 (standard alphabet, padded) of the 32-byte SHA-256: 44 characters. */
  conteudo: string;
}

/** §3.3 */
export interface ComponenteDigital {
  ordem: number;
  nome: string;
  hash: Hash;
  tamanhoEmBytes: number;
  mimeType: string;
  dadosComplementaresDoTipoDeArquivo?: string;
  tipoDeConteudo: string;
  /** Relayed unchanged and never validated (§3.4). */
  assinaturasDigitais?: unknown[];
}

/** `unidade` of a Produtor (§3.1). */
export interface UnidadeProdutora {
  nome?: string;
  tipo?: string;
}

/** Produtor of a document (§3.2, "SEI": every field optional). */
export interface Produtor {
  nome?: string;
  /** `"fisica"` | `"juridica"` | `"orgaopublico"` */
  tipo?: string;
  /** CPF for a person; SEI puts the document's own SEI number here for documents. */
  numeroDeIdentificacao?: string;
  unidade?: UnidadeProdutora;
}

/** Produtor of a process: `nome` is required (§3.1). */
export interface ProdutorDoProcesso extends Produtor {
  nome: string;
}

export interface HipoteseLegalRef {
  identificacao: number;
}

export interface Especie {
  codigo: number;
  nomeNoProdutor: string;
}

/** `identificacao` of a document (§3.2). SEI's número may carry letters, so text is kept too. */
export interface IdentificacaoDoDocumento {
  numero?: number | string;
  siglaDaUnidadeProdutora?: string;
  complemento?: string;
  ano?: number | string;
}

/** §3.2 */
export interface Documento {
  ordem: number;
  retirado: boolean;
  nivelDeSigilo: string;
  especie: Especie;
  componentesDigitais: ComponenteDigital[];
  protocoloDoProcessoAnexado?: string;
  ordemDoDocumentoReferenciado?: number;
  protocolo?: string;
  hipoteseLegal?: HipoteseLegalRef;
  descricao?: string;
  dataHoraDeProducao?: string;
  dataHoraDeRegistro?: string;
  produtor?: Produtor;
  identificacao?: IdentificacaoDoDocumento;
}

export interface Interessado {
  nome: string;
  numeroDeIdentificacao?: string;
}

/** One entry of `itensHistorico` (§3.1); SEI sends `"NA"` for empty values. */
export interface ItemHistorico {
  dataHoraOperacao?: string;
  unidadeOperacao?: string;
  operacao?: string;
  usuario?: string;
}

/** §3.1 */
export interface Processo {
  protocolo: string;
  nivelDeSigilo: string;
  documentos: Documento[];
  /** Complete, recursive; `[]` when absent. */
  processoApensado: Processo[];
  hipoteseLegal?: HipoteseLegalRef;
  dataHoraDeProducao: string;
  produtor: ProdutorDoProcesso;
  processoDeNegocio?: string;
  descricao?: string;
  dataHoraDeRegistro?: string;
  interessados?: Interessado[];
  itensHistorico?: ItemHistorico[];
  observacao?: string;
}

export interface PropriedadeAdicional {
  chave: string;
  /** SEI sends `…_PrazoCorrente_n` and `…_PrazoIntermediario_n` as JSON integers (§2.8). */
  valor: string | number;
}

/** `cabecalho` of `POST tramites/processo` (§2.8). */
export interface Cabecalho {
  remetente: UnidadeRef;
  destinatario: UnidadeRef;
  /** "Envio parcial" (§6.2); `false` when absent. */
  enviarApenasComponentesDigitaisPendentes: boolean;
  NRE?: string;
  /** `false` when absent (SEI sends it only when true). */
  urgencia: boolean;
  /** Position in the §2.7 list; `undefined` when absent or a boolean (SEI sends `true`). */
  motivoDaUrgencia?: number;
  /** `[]` when absent. */
  propriedadesAdicionais: PropriedadeAdicional[];
}

/** `cabecalho` of `POST tramites/documento` (§2.9): plural `destinatarios`. */
export type CabecalhoDeDocumento = Omit<Cabecalho, 'destinatario'> & {
  destinatarios: UnidadeRef[];
};

/** Body of `POST tramites/processo` (§2.8). */
export interface IniciarTramiteProcesso {
  cabecalho: Cabecalho;
  processo: Processo;
}

/** Body of `POST tramites/documento` (§2.9). */
export interface IniciarTramiteDocumento {
  cabecalho: CabecalhoDeDocumento;
  documento: Documento & { protocolo?: string };
}

/** Federation code lists the body is checked against (§2.5–§2.7). */
export interface CodeLists {
  especies: ReadonlySet<number>;
  hipotesesLegais: ReadonlySet<number>;
  /** Number of motivos de urgência; valid codes are 1..n (§2.7). */
  motivosUrgencia: number;
}
