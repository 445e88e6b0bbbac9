import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, normalize, sep } from 'node:path';
import { jsonSyntaxProblem } from '../domain/json-syntax.ts';
import { fonteEmArquivo, fonteEmMemoria, type FonteDeComponente } from './component-source.ts';

/**
 * A package ready to send: the body of `POST tramites/processo` or `tramites/documento` (spec §2.8,
 * §2.9) with every component's hash and size filled in, and the bytes behind each hash.
 */
export interface PacoteDeEnvio {
  corpo: Record<string, any>;
  /** By hash (base64 SHA-256): SEI uploads each distinct hash once per trâmite (spec §2.10). */
  arquivos: Map<string, FonteDeComponente>;
}

export class ErroNoPacote extends Error {
  override readonly name = 'ErroNoPacote';
}

/** spec §8.2: the types the hub accepts as they are; anything else goes as `outro` with the real type. */
const MIME_BY_EXTENSION: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.odt': 'application/vnd.oasis.opendocument.text',
  '.odf': 'application/vnd.oasis.opendocument.formula',
  '.ods': 'application/vnd.oasis.opendocument.spreadsheet',
  '.odp': 'application/vnd.oasis.opendocument.presentation',
  '.xml': 'text/xml',
  '.rtf': 'text/rtf',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.gif': 'image/gif',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.bmp': 'image/bmp',
  '.m4a': 'audio/mp4',
  '.mid': 'audio/midi',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/vnd.wave',
  '.avi': 'video/avi',
  '.mpeg': 'video/mpeg',
  '.mpg': 'video/mpeg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};
const OTHER_REAL_TYPE: Record<string, string> = {
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.zip': 'application/zip',
  '.doc': 'application/msword',
  '.xls': 'application/vnd.ms-excel',
};

/** spec §3.3 `tipoDeConteudo`, from the MIME type. */
function contentKind(mime: string): string {
  if (mime.startsWith('image/')) return 'img';
  if (mime.startsWith('audio/')) return 'aud';
  if (mime.startsWith('video/')) return 'vid';
  if (mime.startsWith('text/') || mime.startsWith('application/')) return 'txt';
  return 'out';
}

/**
 * Reads a folder with `processo.json` (or `documento.json`) and the files its components name:
 * each component's `nome` (or `arquivo`, a path inside the folder) is a file there. What the
 * author left out is filled in from the file: `hash`, `tamanhoEmBytes`, `mimeType` and
 * `tipoDeConteudo` by its extension, `ordem` by position. What the author wrote is checked
 * against the file, never overwritten.
 */
export async function lerPastaDeEnvio(pasta: string): Promise<PacoteDeEnvio> {
  let text: string | null = null;
  let fileName = 'processo.json';
  for (const candidate of ['processo.json', 'documento.json']) {
    text = await readFile(join(pasta, candidate), 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
    if (text !== null) {
      fileName = candidate;
      break;
    }
  }
  if (text === null) throw new ErroNoPacote(`A pasta ${pasta} não tem processo.json nem documento.json: crie um deles com o cabeçalho e o processo (veja fixtures/pastas/ e o README).`);
  let corpo: unknown;
  try {
    corpo = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ErroNoPacote(`${fileName} não é um JSON válido (${jsonSyntaxProblem(e)}): corrija o arquivo.`);
  }
  return completarPacote(corpo, async (nome, arquivo) => {
    const relative = normalize(arquivo ?? nome);
    if (isAbsolute(relative) || relative === '..' || relative.startsWith(`..${sep}`))
      throw new ErroNoPacote(`O componente ${nome} aponta para ${arquivo ?? nome}, fora da pasta do pacote: use um caminho dentro de ${pasta}.`);
    try {
      return await fonteEmArquivo(nome, join(pasta, relative));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  });
}

/** The same, from objects: `arquivos` maps each component's `nome` (or `arquivo`) to its bytes. */
export function pacoteDeObjetos(corpo: unknown, arquivos: Record<string, Uint8Array>): Promise<PacoteDeEnvio> {
  return pacoteDeFontes(corpo, Object.fromEntries(Object.entries(arquivos).map(([nome, bytes]) => [nome, fonteEmMemoria(nome, bytes)])));
}

/** The same, from sources (memory or files): `fontes` maps each component's `nome` (or `arquivo`) to its source. */
export function pacoteDeFontes(corpo: unknown, fontes: Record<string, FonteDeComponente>): Promise<PacoteDeEnvio> {
  return completarPacote(corpo, async (nome, arquivo) => fontes[arquivo ?? nome] ?? null);
}

async function completarPacote(input: unknown, resolve: (nome: string, arquivo: string | undefined) => Promise<FonteDeComponente | null>): Promise<PacoteDeEnvio> {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new ErroNoPacote('O pacote deve ser um objeto JSON com "cabecalho" e "processo" (ou "documento").');
  const corpo = structuredClone(input) as Record<string, any>;
  if (!corpo.cabecalho || typeof corpo.cabecalho !== 'object') throw new ErroNoPacote('Falta o "cabecalho" (remetente e destinatário) no pacote.');
  const root = corpo.processo ?? corpo.documento;
  if (!root || typeof root !== 'object') throw new ErroNoPacote('O pacote deve ter "processo" ou "documento".');
  const arquivos = new Map<string, FonteDeComponente>();
  if (!corpo.processo) corpo.documento.ordem ??= 1;
  const documents: Record<string, any>[] = corpo.processo ? collectDocuments(corpo.processo) : [corpo.documento];
  for (const doc of documents) {
    const components: Record<string, any>[] = Array.isArray(doc.componentesDigitais) ? doc.componentesDigitais : [];
    if (components.length === 0) throw new ErroNoPacote(`O documento ${doc.ordem ?? doc.descricao ?? '?'} não tem componentesDigitais: cada documento precisa de pelo menos um arquivo.`);
    for (const [i, c] of components.entries()) {
      if (typeof c.nome !== 'string' || !c.nome) throw new ErroNoPacote(`Um componente do documento ${doc.ordem ?? '?'} não tem "nome" (o nome do arquivo na pasta).`);
      const arquivo = typeof c.arquivo === 'string' ? c.arquivo : undefined;
      delete c.arquivo;
      c.ordem ??= i + 1;
      // A cancelled document travels as its author declared it, never uploaded, its size and hash
      // never cross-checked (spec §3.3: SEI declares 0 bytes and the hash of "[documento cancelado]").
      if (doc.retirado === true && c.hash?.conteudo && typeof c.tamanhoEmBytes === 'number') continue;
      const source = await resolve(c.nome, arquivo);
      if (!source) {
        throw new ErroNoPacote(`O arquivo ${arquivo ?? c.nome} do documento ${doc.ordem ?? '?'} não está na pasta do pacote.`);
      }
      const hash = await source.hash();
      if (c.hash?.conteudo !== undefined && c.hash.conteudo !== hash)
        throw new ErroNoPacote(`O hash declarado para ${c.nome} (${c.hash.conteudo}) não confere com o do arquivo (${hash}): apague "hash" para que seja calculado, ou corrija o arquivo.`);
      if (c.tamanhoEmBytes !== undefined && c.tamanhoEmBytes !== source.tamanho)
        throw new ErroNoPacote(`O tamanho declarado para ${c.nome} (${c.tamanhoEmBytes} bytes) não confere com o do arquivo (${source.tamanho} bytes).`);
      c.hash = { algoritmo: 'SHA256', conteudo: hash };
      c.tamanhoEmBytes = source.tamanho;
      const ext = extname(c.nome).toLowerCase();
      if (c.mimeType === undefined) {
        c.mimeType = MIME_BY_EXTENSION[ext] ?? 'outro';
        if (c.mimeType === 'outro') c.dadosComplementaresDoTipoDeArquivo ??= OTHER_REAL_TYPE[ext] ?? 'application/octet-stream';
      }
      c.tipoDeConteudo ??= contentKind(c.mimeType === 'outro' ? String(c.dadosComplementaresDoTipoDeArquivo ?? '') : c.mimeType);
      if (!doc.retirado) arquivos.set(hash, source);
    }
  }
  return { corpo, arquivos };
}

/** The flat documents of a process and of its apensados, recursively (spec §3.1). */
function collectDocuments(processo: Record<string, any>): Record<string, any>[] {
  const own: Record<string, any>[] = Array.isArray(processo.documentos) ? processo.documentos : [];
  for (const [i, d] of own.entries()) if (d && typeof d === 'object') d.ordem ??= i + 1;
  const apensados: Record<string, any>[] = Array.isArray(processo.processoApensado) ? processo.processoApensado : [];
  return [...own, ...apensados.flatMap(collectDocuments)];
}
