import { z } from 'zod';
import {
  ANEXO,
  CODE_LIST_NAMES,
  entriesOf,
  listsOf,
  type CodeListChange,
  type CodeListEntry,
  type CodeListKind,
} from '../domain/codelist-entries.ts';
import type { CodeListsData } from '../domain/codelists.ts';
import { EloError } from '../domain/errors.ts';
import { validationFailed, type CodeLists } from '../domain/tramita/index.ts';
import type { ServiceDeps } from './deps.ts';

/** The code lists as validation reads them (also built in the runtime's analyser thread). */
export const codeListsOf = (data: CodeListsData): CodeLists => ({
  especies: new Set(data.especies.map((e) => e.codigo)),
  hipotesesLegais: new Set(data.hipotesesLegais.map((h) => h.identificacao)),
  motivosUrgencia: data.motivosUrgencia.length,
});

/** The lists at one version: what the Tramita face serves and what a start is validated against. */
export interface CodeListsSnapshot {
  version: number;
  data: CodeListsData;
  entries: readonly CodeListEntry[];
  sets: CodeLists;
}

const MAX_CODIGO = 2_147_483_647; // SEI keeps the ids in INT columns (spec §4.3)
const nome = z.string().trim().min(1).max(250).regex(/^[^\p{Cc}]*$/u, 'deve ter uma linha só, sem caracteres de controle');
const motivo = z.string().trim().min(1).max(500).regex(/^[^\p{Cc}]*$/u, 'deve ter uma linha só').describe('Por quê: fica no histórico e na auditoria');

/** Body of an addition (admin API and CLI). */
export const codeListAddSchema = z
  .object({
    codigo: z.number().int().min(1).max(MAX_CODIGO).optional().describe('Espécies e hipóteses: o identificador (omitido: o maior já usado + 1). Motivos: a próxima posição, ou omitido'),
    nome: nome.describe('O nome (de um motivo de urgência, a descrição)'),
    ativo: z.boolean().optional().describe('Só hipóteses legais: ativa (padrão) ou inativa'),
    motivo,
  })
  .strict();

/** Body of a change of one entry: its name, and of a hipótese legal its status. */
export const codeListChangeSchema = z
  .object({ nome: nome.optional().describe('O novo nome'), ativo: z.boolean().optional().describe('Só hipóteses legais: ativa ou inativa'), motivo })
  .strict()
  .refine((b) => b.nome !== undefined || b.ativo !== undefined, { message: 'informe nome ou ativo', path: ['nome'] });

const MAX_HISTORY = 1000;

/** Names compared as people read them: without case, accents or repeated spaces. */
const folded = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();

function parsed<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.') || 'corpo', message: i.message }));
  throw validationFailed(issues, { issues });
}

/**
 * The federation's code lists (spec §2.5–§2.7, §3.6), kept in the store with the history of every
 * change and seeded, the first time, from the federation files (`deps.codeLists`: the federal
 * bus's identifiers). The rules that keep SEI's mirrored mappings intact:
 * - a código once listed is never reused: an addition with a código already stored is refused;
 * - nothing is removed (there is no removal at all) and 179 "Anexo" stays as it is (spec §2.5);
 * - motivos de urgência are only appended, each with the next position (spec §2.7);
 * - hipóteses legais change name and status (ativa/inativa, spec §2.6); espécies change name.
 * Every refusal leaves the store as it was. `current()` is what other services read the lists
 * through: it checks the store's version at each call (one indexed read) and re-reads the lists
 * only when it moved, so a change made by `elo codelist` or another node is seen at the next use.
 */
export function codeListService(deps: Pick<ServiceDeps, 'store' | 'clock' | 'codeLists'>) {
  const store = deps.store.codeLists;
  let cached: CodeListsSnapshot | null = null;

  async function seed(): Promise<void> {
    const entries = entriesOf(deps.codeLists);
    if (!entries.length) return;
    const at = deps.clock.now().toISOString();
    const reason = 'carga inicial das listas da federação (federation/codelists, identificadores do barramento federal)';
    const count = (k: CodeListKind) => entries.filter((e) => e.kind === k).length;
    await store.seed(entries, { at, actor: 'elo', reason }, {
      kind: 'lista_de_codigos.carga_inicial',
      actor: 'elo',
      data: { especies: count('especie'), hipoteses: count('hipotese'), motivos: count('motivo') },
    });
  }

  async function snapshot(): Promise<CodeListsSnapshot> {
    let version = await store.version();
    if (cached && cached.version === version) return cached;
    if (version === 0) await seed();
    const r = await store.entries();
    version = r.version;
    const data = listsOf(r.entries);
    const snap: CodeListsSnapshot = { version, data, entries: r.entries, sets: codeListsOf(data) };
    // two readers may race: keep the newer
    if (!cached || snap.version >= cached.version) cached = snap;
    return snap;
  }

  const label = (kind: CodeListKind, codigo: number) => `${CODE_LIST_NAMES[kind].item} ${codigo}`;

  async function entryOf(kind: CodeListKind, codigo: number): Promise<CodeListEntry> {
    const e = (await snapshot()).entries.find((x) => x.kind === kind && x.codigo === codigo);
    if (!e)
      throw new EloError('not_found', `Não há ${label(kind, codigo)} na lista de ${CODE_LIST_NAMES[kind].label}. Confira o código com "elo codelist list ${CODE_LIST_NAMES[kind].path}".`, {
        lista: CODE_LIST_NAMES[kind].path,
        codigo,
      });
    return e;
  }

  function requireFreeName(entries: readonly CodeListEntry[], kind: CodeListKind, name: string, self?: number): void {
    const same = entries.find((e) => e.kind === kind && e.codigo !== self && folded(e.nome) === folded(name));
    if (same)
      throw new EloError(
        'codelist_name_taken',
        `O nome "${name}" já é ${CODE_LIST_NAMES[kind].of} ${label(kind, same.codigo)} ("${same.nome}"). Nada foi alterado: um código não se remove depois de listado, então um segundo código com o mesmo nome ficaria para sempre; use o código ${same.codigo} ou escolha outro nome.`,
        { lista: CODE_LIST_NAMES[kind].path, codigo: same.codigo },
      );
  }

  const lostRace = (kind: CodeListKind, codigo: number) =>
    new EloError('concurrent_update', `Outra operação gravou ${CODE_LIST_NAMES[kind].the} ${label(kind, codigo)} agora mesmo. Nada foi gravado por esta; confira a lista e repita.`, {
      lista: CODE_LIST_NAMES[kind].path,
      codigo,
    });

  return {
    /** The current lists, as the Tramita face serves them (the one function other services read them through). */
    current: async (): Promise<CodeListsData> => (await snapshot()).data,
    /** The current lists with their version and validation sets (start bodies; the analyser thread gets `data` when `version` moved). */
    snapshot,

    async list(kind: CodeListKind): Promise<CodeListEntry[]> {
      return (await snapshot()).entries.filter((e) => e.kind === kind);
    },

    /**
     * Adds an entry. Espécies and hipóteses keep the identifier given (the federal bus's, when
     * the entry comes from there) or take the largest used + 1; a motivo takes the next position.
     */
    async add(kind: CodeListKind, input: unknown, actor: string): Promise<CodeListEntry> {
      const body = parsed(codeListAddSchema, input);
      const snap = await snapshot();
      const own = snap.entries.filter((e) => e.kind === kind);
      const next = own.reduce((m, e) => Math.max(m, e.codigo), 0) + 1;
      if (kind !== 'hipotese' && body.ativo === false)
        throw new EloError('codelist_entry_kept', `Uma ${CODE_LIST_NAMES[kind].item} não tem situação: está sempre ativa (spec §2.5, §2.7). Nada foi alterado; omita "ativo".`, {
          lista: CODE_LIST_NAMES[kind].path,
        });
      if (kind === 'motivo' && body.codigo !== undefined && body.codigo !== next)
        throw new EloError(
          'codelist_append_only',
          `O código de um motivo de urgência é a posição dele na lista (spec §2.7), e a lista só cresce no fim: o próximo é ${next}, não ${body.codigo}. Nada foi alterado; omita o código.`,
          { lista: 'motivos', proximo: next },
        );
      const codigo = body.codigo ?? next;
      if (codigo > MAX_CODIGO) throw validationFailed({ path: 'codigo', message: `deve ser no máximo ${MAX_CODIGO}` });
      const used = own.find((e) => e.codigo === codigo);
      if (used)
        throw new EloError(
          'codelist_code_used',
          `O código ${codigo} já é ${CODE_LIST_NAMES[kind].of} ${CODE_LIST_NAMES[kind].item} "${used.nome}", e um código nunca é reutilizado (o SEI guarda mapeamentos por ele, spec §2.5, §2.6). Nada foi alterado; use outro código (o próximo livre é ${next}).`,
          { lista: CODE_LIST_NAMES[kind].path, codigo, proximo: next },
        );
      requireFreeName(snap.entries, kind, body.nome);
      const entry: CodeListEntry = { kind, codigo, nome: body.nome, ativo: body.ativo ?? true };
      const at = deps.clock.now().toISOString();
      const after = { nome: entry.nome, ativo: entry.ativo };
      const r = await store.apply(
        { kind, codigo, before: null, after, at, actor, reason: body.motivo },
        { kind: 'lista_de_codigos.entrada_incluida', actor, data: { lista: CODE_LIST_NAMES[kind].path, codigo, depois: after, motivo: body.motivo } },
      );
      if (!r.ok) throw lostRace(kind, codigo);
      return entry;
    },

    /** Renames an espécie or a hipótese, or sets a hipótese's status; `changed` false when it already reads so. */
    async change(kind: CodeListKind, codigo: number, input: unknown, actor: string): Promise<{ entry: CodeListEntry; changed: boolean }> {
      const body = parsed(codeListChangeSchema, input);
      const current = await entryOf(kind, codigo);
      if (kind === 'motivo')
        throw new EloError(
          'codelist_append_only',
          `Os motivos de urgência só crescem no fim (spec §2.7): o código de um motivo é a sua posição, e o SEI guarda a escolha por ela, então um motivo não muda de descrição. Nada foi alterado; para outro texto, inclua um motivo novo.`,
          { lista: 'motivos', codigo },
        );
      if (kind === 'especie' && body.ativo === false)
        throw new EloError(
          'codelist_entry_kept',
          `Uma espécie documental nunca sai da lista nem fica inativa: o SEI apaga os mapeamentos de um código que desaparece (spec §2.5). Nada foi alterado.`,
          { lista: 'especies', codigo },
        );
      if (kind === 'especie' && codigo === ANEXO.codigo && body.nome !== undefined && body.nome !== ANEXO.nome)
        throw new EloError(
          'codelist_entry_kept',
          `A espécie ${ANEXO.codigo} "${ANEXO.nome}" fica como está: o SEI que recebe arquiva sob ela todo documento que se refere a outro (spec §2.5). Nada foi alterado.`,
          { lista: 'especies', codigo },
        );
      const after = { nome: body.nome ?? current.nome, ativo: body.ativo ?? current.ativo };
      if (after.nome === current.nome && after.ativo === current.ativo) return { entry: current, changed: false };
      if (body.nome !== undefined) requireFreeName((await snapshot()).entries, kind, body.nome, codigo);
      const before = { nome: current.nome, ativo: current.ativo };
      const r = await store.apply(
        { kind, codigo, before, after, at: deps.clock.now().toISOString(), actor, reason: body.motivo },
        { kind: 'lista_de_codigos.entrada_alterada', actor, data: { lista: CODE_LIST_NAMES[kind].path, codigo, antes: before, depois: after, motivo: body.motivo } },
      );
      if (!r.ok) throw lostRace(kind, codigo);
      return { entry: { ...current, ...after }, changed: true };
    },

    /** Changes of a list (or of one entry), newest first. */
    async history(kind: CodeListKind, opts: { codigo?: number; limit?: number } = {}): Promise<CodeListChange[]> {
      if (opts.codigo !== undefined) await entryOf(kind, opts.codigo);
      const limit = Math.min(MAX_HISTORY, Math.max(1, Math.trunc(opts.limit ?? 100) || 100));
      return store.history({ kind, ...(opts.codigo !== undefined ? { codigo: opts.codigo } : {}), limit });
    },
  };
}

export type CodeListService = ReturnType<typeof codeListService>;
