/** Whether sorted-or-not half-open ranges cover [0, size) without a gap (every store's delivery check, spec §2.19). */
export function rangesCover(ranges: { ini: number; fim: number }[], size: number): boolean {
  let reached = 0;
  for (const r of [...ranges].sort((a, c) => a.ini - c.ini)) {
    if (r.ini > reached) return false;
    reached = Math.max(reached, r.fim);
  }
  return reached >= size;
}

/** Rows of open trâmites, by the set of situações the workflow calls open (every store's start checks). */
export interface OpenRow {
  idt: number;
  situacao: number;
  nre: string;
  sender_system_id: string;
}
