import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKFLOW, type Situacao } from '../src/domain/situacao.ts';
import { openTestStore, testStoreKind } from './harness/stores.ts';

/**
 * ARCHITECTURE "The workflow is the domain's": a store adapter receives every from→to and every
 * set of situações from the services and never writes a situação of its own. This test reads
 * every adapter source (released migrations aside: they are frozen history, see below) and
 * refuses a situação compared with, or set to, a number literal, a list of numbers, or a runtime
 * import of the workflow (the adapter must be handed the decision, not look it up).
 */
const storeDir = resolve(import.meta.dirname, '../src/store');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') && name !== 'migrations.ts' ? [p] : [];
  });
}

const RULES: { name: string; pattern: RegExp }[] = [
  { name: 'situação compared with a number (SQL or TS)', pattern: /situacao\s*(?:=|==|===|!=|!==|<>|<=|>=|<|>)\s*\d/i },
  { name: 'situação in a list or range of numbers', pattern: /situacao\s+(?:NOT\s+)?(?:IN\s*\(\s*\d|BETWEEN\s+\d)/i },
  { name: 'a list of numbers in SQL', pattern: /\bIN\s*\(\s*\d+\s*(?:,\s*\d+\s*)*\)/i },
  { name: 'a situação given as a number literal', pattern: /\b(?:situacao|from|to)\s*:\s*(?:\[\s*)?\d/ },
  { name: 'a move between number literals', pattern: /\[\s*\d+(?:\s*,\s*\d+)*\s*\]\s*,\s*\d+\s*,/ },
  { name: 'a history row with a number literal', pattern: /history\w*\(\s*[\w.]+\s*,\s*\d/i },
];

/** Runtime imports of the workflow itself: types and a row mapper's `isSituacao` are all an adapter needs. */
const WORKFLOW_IMPORT = /\b(?:WORKFLOW|transitions|OPEN_SITUACOES|FINAL_SITUACOES|canTransition|ruleFor|isPendenciaFor|expectedActor|needingSituacoes)\b/;

/** Every line of `text` that breaks a rule, with the rule it breaks. */
function workflowLiterals(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const r of RULES) if (r.pattern.test(line)) found.push(`${i + 1}: ${r.name}: ${line.trim()}`);
  });
  for (const imp of text.match(/import\s+\{[^}]*\}\s+from\s+'[^']*situacao\.ts'/g) ?? [])
    if (WORKFLOW_IMPORT.test(imp)) found.push(`the workflow looked up at run time: ${imp.replace(/\s+/g, ' ')}`);
  return found;
}

describe('the store executes the workflow and never decides it', () => {
  it('has no situação literal nor transition decision in any store adapter (released migrations aside)', () => {
    const files = sources(storeDir);
    expect(files.length).toBeGreaterThan(3);
    // every adapter is read: SQLite and PostgreSQL alike
    for (const adapter of ['sqlite', 'postgres']) expect(files.some((f) => relative(storeDir, f).startsWith(`${adapter}/`)), adapter).toBe(true);
    const offences = files.flatMap((f) => workflowLiterals(readFileSync(f, 'utf8')).map((o) => `${relative(storeDir, f)}:${o}`));
    expect(offences).toEqual([]);
  });

  it('catches each kind of planted decision (the check is not vacuous)', () => {
    const planted = [
      "db.prepare('SELECT * FROM tramites WHERE situacao BETWEEN 1 AND 4')",
      "db.prepare('DELETE FROM x WHERE idt IN (SELECT idt FROM tramites WHERE situacao IN (6, 7, 9, 10))')",
      "if (t.situacao === 3) return casMove(idt, [3], 4, at, audit);",
      "db.prepare('UPDATE tramites SET situacao = 2 WHERE idt = ?')",
      'appendAudit(at, audit); move({ from: [1], to: 2 });',
      'appendHistory(idt, 1, at);',
      "import { OPEN_SITUACOES, type Situacao } from '../../domain/situacao.ts';",
    ];
    for (const p of planted) expect(workflowLiterals(p), p).not.toEqual([]);
    // what the adapter may say: a type, a bound set, a row mapper's validation
    const allowed = [
      "import { isSituacao, type Situacao } from '../../domain/situacao.ts';",
      "WHERE idt = @idt AND situacao IN (SELECT value FROM json_each(@from))",
      'WHERE idt = $7 AND situacao = ANY($8::int[])',
      'const changed = s.markReceived.run(idt, hash).changes;',
    ];
    for (const a of allowed) expect(workflowLiterals(a), a).toEqual([]);
  });

  /**
   * Migrations are never edited once released (migrations.ts of each adapter), so the partial
   * unique index of one open trâmite per NRE keeps its literal set (SQLite: `situacao BETWEEN 1 AND
   * 4`; PostgreSQL: `situacao IN (1, 2, 3, 4)`). It must agree with the domain's open set: for
   * every situação, a second trâmite of the same NRE is refused by the database exactly when both
   * are open. A table with another open set needs a new migration replacing the index. Run on the
   * store of this run (PostgreSQL under `npm run test:pg`).
   */
  it.each([testStoreKind()])('has the frozen one-open-trâmite-per-NRE index agree with the domain’s open set, situação by situação (%s)', async (kind) => {
    const store = await openTestStore(kind);
    const insert = (idt: number, nre: string, s: Situacao) =>
      store.sql(
        `INSERT INTO tramites (idt, nre, kind, protocolo, rem_rep, rem_num, dest_rep, dest_num, sender_system_id, receiver_system_id,
          situacao, ticket, is_replay, envio_parcial, urgente, metadata_blob_key, created_at, last_transition_at)
         VALUES (?, ?, 'processo', 'P', 1, '1', 1, '2', 'a', 'b', ?, 't', false, false, false, 'k', 'a', 'a')`,
        [idt, nre, s],
      );
    // told by the constraint's code, never by its message
    const uniqueViolation = (e: unknown) =>
      typeof e === 'object' && e !== null && 'code' in e && (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === '23505');
    const blocking: Situacao[] = [];
    let idt = 1;
    for (let s = 1 as Situacao; s <= 10; s = (s + 1) as Situacao) {
      // an NRE of its own per situação: nothing to roll back between them
      const nre = String(s).padStart(16, '0');
      await store.sql("INSERT INTO nres (nre, protocolo, created_at) VALUES (?, 'P', 'a')", [nre]);
      await insert(idt++, nre, s);
      try {
        await insert(idt++, nre, s);
      } catch (e) {
        if (uniqueViolation(e)) blocking.push(s);
        else throw e;
      }
    }
    expect(blocking).toEqual([...WORKFLOW.open].sort((a, b) => a - b));
  });
});
