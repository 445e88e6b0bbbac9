import type { ServiceDeps } from '../deps.ts';
import { retentionService } from '../storage/retention.ts';
import { workflowDecisions } from './workflow.ts';

/** Staging files untouched this long belong to no running request (README "Armazenamento e retenção"). */
export const ABANDONED_STAGING_MS = 3_600_000;

/**
 * Automatic cancellation (spec §5.4): a trâmite idle in 1–4 longer than the configured period
 * (default 8 days, from its last transition) goes to 10. A warning event is recorded once, well
 * before, so monitors can act. The state lives in the store, so a restart loses nothing: the
 * next sweep finds what is overdue.
 */
export function autoCancelService(deps: ServiceDeps) {
  const { tramites, audit } = deps.store;
  const WARNING = 'tramite.alerta_cancelamento_automatico';
  const retention = retentionService(deps);
  const { wf, rule, awaitingComponents } = workflowDecisions(deps);
  return {
    async sweep(): Promise<number> {
      const now = deps.clock.now();
      const { autoCancelAfterMs, autoCancelWarningMs } = deps.settings;
      let cancelled = 0;
      const idle = rule('inatividade');
      const candidates = idle ? await tramites.listIdle(idle.from, new Date(now.getTime() - autoCancelWarningMs).toISOString()) : [];
      for (const t of candidates) {
        const idleMs = now.getTime() - new Date(t.lastTransitionAt).getTime();
        if (idle && idleMs > autoCancelAfterMs) {
          const r = await tramites.transition({
            idt: t.idt,
            from: idle.from,
            to: idle.to,
            at: now.toISOString(),
            audit: { kind: 'tramite.cancelado_automaticamente', actor: 'hub', data: { ociosoDesde: t.lastTransitionAt, situacao: t.situacao } },
          });
          if (r.ok && r.changed) cancelled++;
        } else if (!(await audit.list({ idt: t.idt, kind: WARNING })).some((e) => e.data?.desde === t.lastTransitionAt)) {
          await audit.append(
            {
              kind: WARNING,
              actor: 'hub',
              idt: t.idt,
              data: {
                desde: t.lastTransitionAt,
                situacao: t.situacao,
                canceladoEm: new Date(new Date(t.lastTransitionAt).getTime() + autoCancelAfterMs).toISOString(),
              },
            },
            now.toISOString(),
          );
        }
      }
      // Parts of ranged uploads whose trâmites left situação 1 can never be completed.
      for (const ticket of await deps.blobs.partTickets()) {
        const list = await tramites.getByTicket(ticket);
        if (list.some((t) => awaitingComponents().includes(t.situacao))) continue;
        // Parts left by a cancelled trâmite are an abandoned upload: its removal is audited.
        const cancelled = list.find((t) => wf.cancelled.includes(t.situacao));
        if (cancelled) {
          await audit.append(
            { kind: 'retencao.partes_removidas', actor: 'hub', idt: cancelled.idt, data: { ticket, situacao: cancelled.situacao } },
            now.toISOString(),
          );
        }
        await deps.blobs.dropParts(ticket);
      }
      // Staging files a node left when it died mid-upload: untouched for an hour, no request
      // still writes them (every request is cut by SEI at 300 s, spec §9.3).
      const abandoned = await deps.blobs.dropAbandonedStaging(new Date(now.getTime() - ABANDONED_STAGING_MS));
      if (abandoned > 0) await audit.append({ kind: 'retencao.temporarios_removidos', actor: 'hub', data: { arquivos: abandoned } }, now.toISOString());
      // Bytes of cancelled trâmites, and the retention policy (README "Limites de armazenamento e retenção").
      await retention.sweep();
      await tramites.pruneDeliveries(new Date(now.getTime() - deps.settings.longPollMs).toISOString(), wf.final);
      return cancelled;
    },
  };
}
