import type { Hono } from 'hono';
import { EloError } from '../../../domain/errors.ts';
import type { StagedBlob } from '../../../store/index.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { boundaryFromContentType, MultipartError, parseMultipartStream } from '../../multipart/index.ts';

const fieldLimit = 4096;

/** Reads a text field, at most `limit` bytes: a huge field is cut, never held whole. */
async function readField(body: ReadableStream<Uint8Array>, limit: number): Promise<string | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value.slice());
  }
  return new TextDecoder().decode(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}

/**
 * `PUT tickets-de-envio-de-componente/{ticket}/protocolos/componentes-a-enviar` (spec §2.10):
 * multipart with `conteudo`, `hashDoComponenteDigital` and `protocolo`, or only `conteudo` with
 * the other two as query parameters. The file streams to staging while hashed; it is kept only
 * if it matches the metadata.
 */
export function registerPutComponente(app: Hono<AppEnv>, deps: AppDeps): void {
  app.put('/tickets-de-envio-de-componente/:ticket/protocolos/componentes-a-enviar', async (c) => {
    const caller = c.get('caller');
    const target = await deps.services.upload.openTicket(caller, c.req.param('ticket'));
    const boundary = boundaryFromContentType(c.req.header('content-type'));
    if (!boundary || !c.req.raw.body) {
      throw new EloError(
        'validation_failed',
        'Os seguintes erros de validação de campos foram identificados: - o corpo deve ser multipart/form-data com a parte "conteudo"',
      );
    }
    const fields: Record<string, string> = {};
    let staged: StagedBlob | undefined;
    try {
      for await (const part of parseMultipartStream(c.req.raw.body, boundary)) {
        const name = part.headers.name ?? '';
        if (name === 'conteudo' && !staged) {
          staged = await deps.services.deps.blobs.stage(part.body, target.maxSize);
          // Larger than any requested component: refused below; stop reading the body now.
          if (staged.tooLarge) break;
        } else {
          const text = await readField(part.body, fieldLimit);
          if (text !== null) fields[name] = text.trim();
        }
      }
    } catch (e) {
      if (staged) await deps.services.deps.blobs.discard(staged);
      if (e instanceof MultipartError)
        throw new EloError(
          'validation_failed',
          `Os seguintes erros de validação de campos foram identificados: - corpo multipart inválido (${e.reason}); envie o arquivo de novo`,
        );
      throw e;
    }
    if (!staged) {
      throw new EloError(
        'validation_failed',
        'Os seguintes erros de validação de campos foram identificados: - a parte "conteudo" com os bytes do componente é obrigatória',
      );
    }
    await deps.services.upload.acceptComponent({
      caller,
      target,
      staged,
      hash: fields.hashDoComponenteDigital || c.req.query('hashDoComponenteDigital'),
      protocolo: fields.protocolo || c.req.query('protocolo'),
    });
    return c.body(null, 200);
  });
}
