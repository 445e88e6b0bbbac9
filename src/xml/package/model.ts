/**
 * The package of one trâmite in its canonical XML form (docs/pacote-xml.md): what the hub seals
 * and what a native-face sender signs. Field names are the Tramita wire names (spec §2.8, §3) so
 * that a partner reads the XML with the spec beside it. Optional fields are absent, never empty;
 * an empty list is absent too. Every text is one XML 1.0 can carry (see xml-text.ts).
 */

/** Namespace of the package XML; a version bump means a new namespace, never a changed one. */
export const PACOTE_NS = 'urn:elo:pacote:1';

/** A unit (spec §4.3), with its name when the hub knows it. */
export interface PacoteUnidade {
  identificacaoDoRepositorioDeEstruturas: number;
  /** Digit string without leading zeros (as Elo normalises it, spec §4.3). */
  numeroDeIdentificacaoDaEstrutura: string;
  nome?: string;
}

/** `{algoritmo, conteudo}`: `conteudo` is standard base64 with padding (spec §3.3). */
export interface PacoteHash {
  algoritmo: string;
  conteudo: string;
}

export interface PacoteCabecalho {
  NRE: string;
  IDT: number;
  tipo: 'processo' | 'documento';
  remetente: PacoteUnidade;
  destinatario: PacoteUnidade;
  urgencia: boolean;
  /** Position in the §2.7 list; absent when not urgent or when SEI sent `true` (§2.8). */
  motivoDaUrgencia?: number;
  /** "Envio parcial" (§6.2). */
  enviarApenasComponentesDigitaisPendentes: boolean;
  /** SHA-256 (base64) of the exact JSON bytes of the start body received on the Tramita face. */
  hashDosMetadados?: PacoteHash;
  /** When the hub held every requested component (the send receipt's date, §7.3). */
  dataDeRecebimentoDoUltimoComponenteDigital: string;
  /** §2.8, relayed as text (SEI's integer prazos become their decimal text). */
  propriedadesAdicionais?: { chave: string; valor: string }[];
}

/** §3.4: relayed, never validated, so every field is optional text. */
export interface PacoteAssinatura {
  razao?: string;
  observacao?: string;
  dataHora?: string;
  hash?: { algoritmo?: string; conteudo?: string };
  cadeiaDoCertificado?: { formato?: string; conteudo?: string };
}

/** §3.3 */
export interface PacoteComponente {
  ordem: number;
  nome: string;
  hash: PacoteHash;
  tamanhoEmBytes: number;
  mimeType: string;
  dadosComplementaresDoTipoDeArquivo?: string;
  tipoDeConteudo: string;
  assinaturasDigitais?: PacoteAssinatura[];
}

export interface PacoteProdutor {
  nome?: string;
  tipo?: string;
  numeroDeIdentificacao?: string;
  unidade?: { nome?: string; tipo?: string };
}

/** §3.2 */
export interface PacoteDocumento {
  ordem: number;
  protocolo?: string;
  descricao?: string;
  retirado: boolean;
  nivelDeSigilo: string;
  hipoteseLegal?: number;
  dataHoraDeProducao?: string;
  dataHoraDeRegistro?: string;
  produtor?: PacoteProdutor;
  especie: { codigo: number; nomeNoProdutor: string };
  /** `numero` and `ano` as text: senders write them as numbers or strings (§3.2). */
  identificacao?: {
    numero?: string;
    siglaDaUnidadeProdutora?: string;
    complemento?: string;
    ano?: string;
  };
  protocoloDoProcessoAnexado?: string;
  ordemDoDocumentoReferenciado?: number;
  componentesDigitais: PacoteComponente[];
}

/** §3.1 */
export interface PacoteProcesso {
  protocolo: string;
  nivelDeSigilo: string;
  hipoteseLegal?: number;
  processoDeNegocio?: string;
  descricao?: string;
  dataHoraDeProducao: string;
  dataHoraDeRegistro?: string;
  produtor: PacoteProdutor & { nome: string };
  interessados?: { nome: string; numeroDeIdentificacao?: string }[];
  observacao?: string;
  itensHistorico?: {
    dataHoraOperacao?: string;
    unidadeOperacao?: string;
    operacao?: string;
    usuario?: string;
  }[];
  /** In order (ordem 1..n). */
  documentos: PacoteDocumento[];
  processosApensados?: PacoteProcesso[];
}

export type Pacote =
  | { cabecalho: PacoteCabecalho & { tipo: 'processo' }; processo: PacoteProcesso }
  | { cabecalho: PacoteCabecalho & { tipo: 'documento' }; documento: PacoteDocumento };
