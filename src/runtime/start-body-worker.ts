/**
 * The thread that analyses large start bodies (spec §1.5.9: 50 MB and more), so that parsing
 * and validating them never holds the event loop that answers every other request. It receives
 * the body's bytes (moved, not copied), and moves them back with the small analysis.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CodeListsData } from '../domain/codelists.ts';
import { analyseStartBody, type StartKind } from '../domain/tramita/index.ts';
import { codeListsOf } from '../services/index.ts';

const lists = codeListsOf((workerData as { codeLists: CodeListsData }).codeLists);

parentPort!.on('message', (m: { id: number; raw: Uint8Array; kind: StartKind }) => {
  const analysis = analyseStartBody(m.raw, m.kind, lists);
  parentPort!.postMessage({ id: m.id, analysis, raw: m.raw }, [m.raw.buffer as ArrayBuffer]);
});
parentPort!.postMessage({ ready: true });
