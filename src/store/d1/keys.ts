/**
 * The lock keys of D1's units of work (db.ts), in one place: a unit reads the revision of each key
 * its decision depends on, and every batch that writes what a key covers moves that key's
 * revision. A key named here and forgotten by one writer would let a unit decide on stale reads,
 * so each comment says which writers move it.
 */
export const keys = {
  /** A trâmite's row, components, history and download ranges: every trâmite writer and retention's marks. */
  tramite: (idt: number) => `t:${idt}`,
  /** An NRE's registration (version, holders, documents): its starts, completions and holder changes. */
  nre: (nre: string) => `nre:${nre}`,
  /** A sender's starts (its quota and the open-process check of a first start, before any NRE). */
  sender: (systemId: string) => `remetente:${systemId}`,
  /** A component's stored bytes: their release, their receipt and every start that declares the hash. */
  blob: (hash: string) => `blob:${hash}`,
  /** A stored body: its removal and every start that stores or reuses it. */
  body: (key: string) => `corpo:${key}`,
} as const;
