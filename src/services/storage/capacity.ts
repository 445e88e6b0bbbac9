import { EloError } from '../../domain/errors.ts';
import type { ServiceDeps } from '../deps.ts';

const MIB = 1_048_576;
const GIB = 1_073_741_824;
const TIB = 1_099_511_627_776;

/** Bytes as people read them in a message: "5,0 GiB (5368709120 bytes)". */
export function formatBytes(n: number): string {
  const unit = n >= TIB ? `${(n / TIB).toFixed(1).replace('.', ',')} TiB` : n >= GIB ? `${(n / GIB).toFixed(1).replace('.', ',')} GiB` : `${(n / MIB).toFixed(1).replace('.', ',')} MiB`;
  return `${unit} (${n} bytes)`;
}

/**
 * Spec §2.11 and §8.1: the transfer block is client-chosen, 1–200 MB (SEI's block parameter is
 * in MB of 1024 × 1024 bytes). A declared part above it is refused before a byte is read.
 */
export const MAX_PART_BYTES = 200 * MIB;

/**
 * The free-space floor: below it, nothing new is written (uploads, new trâmites) while reads go
 * on, so a full disk never breaks the delivery of what was already accepted. The free space is
 * read by the runtime (a port), never here.
 */
export function capacityService(deps: ServiceDeps) {
  return {
    /** Refuses (507) when writing `incoming` more bytes would leave less than the floor free. */
    async requireRoom(incoming: number, what: 'upload' | 'tramite'): Promise<void> {
      if (!deps.freeSpace || deps.settings.minFreeBytes === 0) return; // floor 0: disabled
      const free = await deps.freeSpace();
      const floor = deps.settings.minFreeBytes;
      if (free - incoming >= floor) return;
      deps.log({ level: 'warn', event: 'armazenamento.espaco_insuficiente', data: { livre: free, minimo: floor, entrada: incoming, operacao: what } });
      throw new EloError(
        'insufficient_storage',
        `O hub está com pouco espaço livre em disco (${formatBytes(free)} livres; mínimo de ${formatBytes(floor)}${incoming > 0 ? ` além dos ${formatBytes(incoming)} deste envio` : ''}). ${
          what === 'upload' ? 'Envios de componentes digitais' : 'Novos trâmites'
        } estão suspensos até que a administração do hub libere espaço; consultas e downloads continuam. Tente de novo mais tarde.`,
        { livre: free, minimo: floor, entrada: incoming },
      );
    },
  };
}
