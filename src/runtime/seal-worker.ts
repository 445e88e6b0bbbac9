/**
 * The thread that builds and prepares hub seals (issue 11 item 2), so that parsing and
 * canonicalising a package of thousands of documents (about a second for 10 MB) never holds the
 * event loop that answers every other request. It receives the stored metadata bytes (moved,
 * not copied) with the record and its components, and moves back the package XML's bytes and the
 * SignedInfo to sign: the hub's key never enters this thread (the Signer signs on the main one).
 */
import { parentPort } from 'node:worker_threads';
import { EloError } from '../domain/errors.ts';
import type { SignerAlgorithm } from '../pki/signer.ts';
import { prepareSeal, type SealWork } from '../services/evidence/seal.ts';

parentPort!.on('message', async (m: { id: number; work: SealWork; algorithm: SignerAlgorithm }) => {
  try {
    const p = await prepareSeal(m.work, m.algorithm);
    parentPort!.postMessage({ id: m.id, prepared: p }, [p.head.buffer as ArrayBuffer, p.tail.buffer as ArrayBuffer, p.toSign.buffer as ArrayBuffer]);
  } catch (e) {
    // an EloError crosses as its fields (a class does not survive the copy), anything else as its text
    const error = e instanceof EloError ? { code: e.code, mensagem: e.mensagem, details: e.details } : { message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage({ id: m.id, error });
  }
});
