import type { Context } from 'hono';
import { validationFailed } from '../domain/tramita/index.ts';
import type { StagedBlob } from '../store/index.ts';
import type { AppDeps, AppEnv } from './env.ts';
import { readLimited } from './read-limited.ts';
import { boundaryFromContentType, MultipartError, parseMultipartStream } from './multipart/index.ts';

const FIELD_LIMIT = 4096;

/** A text field, at most `limit` bytes: a huge field is cut, never held whole. */
async function readField(body: ReadableStream<Uint8Array>, limit: number): Promise<string | null> {
  const bytes = await readLimited(body, limit);
  return bytes === null ? null : new TextDecoder().decode(bytes);
}

const invalid = (what: string) => validationFailed({ path: '', message: what });

/**
 * The upload form of spec §2.10/§2.11: `conteudo` (the bytes) streams to staging while hashed;
 * `hashDoComponenteDigital` and `protocolo` come as form fields or, for some clients, as query
 * parameters. File names and content types of the parts carry no meaning.
 */
export async function readUploadForm(
  c: Context<AppEnv>,
  deps: AppDeps,
  maxSize: number,
): Promise<{ staged: StagedBlob; hash: string | undefined; protocolo: string | undefined }> {
  const boundary = boundaryFromContentType(c.req.header('content-type'));
  if (!boundary || !c.req.raw.body) throw invalid('o corpo deve ser multipart/form-data com a parte "conteudo"');
  const fields: Record<string, string> = {};
  let staged: StagedBlob | undefined;
  const staging = deps.services.upload;
  try {
    for await (const part of parseMultipartStream(c.req.raw.body, boundary)) {
      const name = part.headers.name ?? '';
      if (name === 'conteudo' && !staged) {
        staged = await staging.stage(part.body, maxSize);
        // Larger than allowed: refused by the service; stop reading the body now.
        if (staged.tooLarge) break;
      } else {
        const text = await readField(part.body, FIELD_LIMIT);
        if (text !== null) fields[name] = text.trim();
      }
    }
  } catch (e) {
    if (staged) await staging.discard(staged);
    if (e instanceof MultipartError) throw invalid(`corpo multipart inválido (${e.reason}); envie o arquivo de novo`);
    throw e;
  }
  if (!staged) throw invalid('a parte "conteudo" com os bytes do componente é obrigatória');
  return {
    staged,
    hash: fields.hashDoComponenteDigital || c.req.query('hashDoComponenteDigital'),
    protocolo: fields.protocolo || c.req.query('protocolo'),
  };
}
