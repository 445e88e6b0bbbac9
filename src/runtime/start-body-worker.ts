/**
 * The thread that analyses large start bodies (spec §1.5.9: 50 MB and more), so that parsing
 * and validating them never holds the event loop that answers every other request. It receives
 * the body's bytes (moved, not copied), and moves them back with the small analysis.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import type { CodeListsData } from '../domain/codelists.ts';
import { analyseStartBody, type CodeLists, type StartKind } from '../domain/tramita/index.ts';
import { codeListsOf } from '../services/code-lists.ts';

/** The code lists, as of the last message that carried them (start-body-analyser.ts sends them when they change). */
let lists: CodeLists = { especies: new Set(), hipotesesLegais: new Set(), motivosUrgencia: 0 };

// An analysis of tens of MB leaves hundreds of MB of garbage (the decoded text, the parsed
// value); V8 would keep it until the heap doubles again, so the next large body would add to
// it. A full collection after each large analysis (tens of ms, on this thread) gives it back.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const LARGE = 8 * 1_048_576;

parentPort!.on('message', (m: { id: number; raw: Uint8Array; kind: StartKind; codeLists?: CodeListsData }) => {
  if (m.codeLists) lists = codeListsOf(m.codeLists);
  const analysis = analyseStartBody(m.raw, m.kind, lists);
  const large = m.raw.byteLength >= LARGE;
  parentPort!.postMessage({ id: m.id, analysis, raw: m.raw }, [m.raw.buffer as ArrayBuffer]);
  if (large) collect();
});
parentPort!.postMessage({ ready: true });
