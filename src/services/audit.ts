import { EloError } from '../domain/errors.ts';
import { expectedActor, WORKFLOW } from '../domain/situacao.ts';
import { checkpointBytes } from '../domain/audit-chain.ts';
import { toBase64 } from '../pki/encoding.ts';
import type { AuditCheckpoint, AuditEntry } from '../store/index.ts';
import type { ServiceDeps } from './deps.ts';

/** The checkpoint a dossiê carries as a witness of a trâmite's audit events (issue 11 §4, §7). */
export interface AuditWitness {
  checkpoint: AuditCheckpoint;
  /** The trâmite's last event in that chain: position `ultimaPosicao`. */
  ultimaPosicao: number;
  /** The checkpoint covers it (its position is at least `ultimaPosicao`); false: none does yet, this is the latest one. */
  cobre: boolean;
}

/** What administrators and monitors read of the hub's records (ARCHITECTURE "Faces"), read only. */
export function auditService(deps: Pick<ServiceDeps, 'store' | 'workflow' | 'clock' | 'hubSigner'>) {
  const { tramites, audit } = deps.store;
  const wf = deps.workflow ?? WORKFLOW;
  return {
    /** Audit events, newest first; filtered by kind. */
    events: (filter: { kind?: string; limit?: number }): Promise<(AuditEntry & { seq: number; at: string })[]> => audit.list(filter),

    /**
     * A trâmite's whole story: its record, transitions, components and events (oldest first),
     * and which side must act next by the workflow the services decide with (spec §5.3).
     */
    async tramiteStory(idt: number) {
      const tramite = await tramites.get(idt);
      if (!tramite) throw new EloError('not_found', `Trâmite ${idt} não encontrado.`, { idt });
      return {
        tramite,
        nextActor: expectedActor(tramite.situacao, wf),
        history: await tramites.history(idt),
        components: await tramites.components(idt),
        events: (await audit.list({ idt })).reverse(),
      };
    },

    /**
     * Who looked at which trâmite on the dashboard (issue: monitoring, "who viewed which trâmite
     * is logged"): an audit event per page view, named by the token's label (never the token).
     */
    async viewed(idt: number, viewer: string): Promise<void> {
      await audit.append({ kind: 'painel.tramite_consultado', actor: viewer, idt }, deps.clock.now().toISOString());
    },

    /**
     * Signs a checkpoint of every chain whose head moved since its last one (issue 11 §7: at
     * least hourly and at shutdown; runtime/hub.ts), with the hub's Signer over
     * domain/audit-chain.ts checkpointBytes. Another node that signed the same head first wins;
     * nothing is signed for a chain that did not change.
     */
    async checkpoint(): Promise<AuditCheckpoint[]> {
      const last = new Map<string, number>();
      for (const c of await audit.checkpoints()) last.set(c.chain, Math.max(last.get(c.chain) ?? 0, c.position));
      const made: AuditCheckpoint[] = [];
      for (const head of await audit.chainHeads()) {
        if (head.position === 0 || head.position <= (last.get(head.chain) ?? 0)) continue;
        const fields = { chain: head.chain, position: head.position, hash: head.hash, at: deps.clock.now().toISOString() };
        const c = { ...fields, signature: toBase64(await deps.hubSigner.sign(checkpointBytes(fields))), chainPem: deps.hubSigner.chainPem };
        if (await audit.addCheckpoint(c)) made.push(c);
      }
      return made;
    },

    /**
     * The checkpoint the dossiê of a trâmite embeds (issue 11 §4): in the chain of the trâmite's
     * newest event, the earliest checkpoint at or after its last event there, or, while none is,
     * that chain's latest checkpoint. Null when the trâmite has no chained event or the chain no
     * checkpoint yet.
     */
    async latestCheckpointCovering(idt: number): Promise<AuditWitness | null> {
      const [newest] = await audit.lastPositionsOf(idt);
      if (!newest) return null;
      const ofChain = (await audit.checkpoints()).filter((c) => c.chain === newest.chain);
      const covering = ofChain.find((c) => c.position >= newest.position);
      const checkpoint = covering ?? ofChain.at(-1);
      return checkpoint ? { checkpoint, ultimaPosicao: newest.position, cobre: covering !== undefined } : null;
    },
  };
}
