/**
 * Elo's client SDK (`elo/cliente`): a system of a federation sending and receiving trâmites over
 * the Tramita-compatible face with its client certificate. See `criarClienteElo`.
 */
export { CODIGOS_DE_RECUSA, criarClienteElo, MOTIVOS_DE_RECUSA, type ClienteElo, type MotivoDeRecusa, type OpcoesDoCliente } from './elo-client.ts';
export { ErroDeConexao, ErroDeIntegridade, ErroDoHub } from './errors.ts';
export { ErroNoPacote, lerPastaDeEnvio, pacoteDeFontes, pacoteDeObjetos, type PacoteDeEnvio } from './package-folder.ts';
export { fonteEmArquivo, fonteEmMemoria, type FonteDeComponente } from './component-source.ts';
export type { EstadoDoEnvio, OpcoesDeEnvio, Progresso, ResultadoDoEnvio } from './send.ts';
export type { ComponenteRecebido, OpcoesDeRecebimento, ReciboDeConclusao, TramiteRecebido } from './receive.ts';
export type { PoliticaDeTentativas } from './retry.ts';
export { impressaoDigitalDaAssinatura } from './receipt-fingerprint.ts';
