import type { WebhookStore } from '../index.ts';
import { byDue, toSystemWebhook, toWebhookEvent, type SystemWebhookRow, type WebhookEventRow } from '../webhook-rows.ts';
import { WEBHOOK_SQL as S } from '../sqlite/webhook-sql.ts';
import { all, atomically, byName, first, changed, type Bindable, type D1Conn } from './db.ts';

/**
 * Webhook URLs and the notification outbox on D1 (sqlite/webhook-sql.ts). A claim is one UPDATE …
 * RETURNING (atomic by itself); finishing an event and replaying a dead one are compare-and-set
 * updates on the lease and the state, guarded in their batch with the audit event they carry.
 */
export function d1Webhooks(c: D1Conn): WebhookStore {
  const named = (sql: string, values: Record<string, Bindable>) => [sql, ...byName(sql, values)] as const;
  /** The event as the unit of work reads it: its state and lease decide whether the update applies. */
  const leased = (id: string, owner: string) => first<{ state: string; lease_owner: string | null }>(c, 'SELECT state, lease_owner FROM webhook_outbox WHERE id = ?', id).then((r) => r?.state === 'pendente' && r.lease_owner === owner);
  return {
    async getWebhook(systemId) {
      const r = await first<SystemWebhookRow>(c, S.get, systemId);
      return r ? toSystemWebhook(r) : null;
    },
    async listWebhooks() {
      return (await all<SystemWebhookRow>(c, S.all)).map(toSystemWebhook);
    },
    async setWebhook(systemId, url, at, actor, audit) {
      await atomically(c, async (w) => {
        if (url === null) w.write(S.remove, systemId);
        else w.write(S.put, systemId, url, at, actor);
        w.audit(at, audit);
        return () => undefined;
      });
    },
    async claimDue(now, owner, leaseUntil, limit) {
      return (await all<WebhookEventRow>(c, ...named(S.claim, { now, owner, until: leaseUntil, limit }))).map(toWebhookEvent).sort(byDue);
    },
    async finish(id, owner, o) {
      if (o.state === 'entregue') return (await changed(c, ...named(S.delivered, { at: o.at, attempts: o.attempts, id, owner }))) === 1;
      if (o.state === 'pendente') return (await changed(c, ...named(S.retry, { at: o.at, attempts: o.attempts, next: o.nextAttemptAt, error: o.error, id, owner }))) === 1;
      return atomically<boolean>(c, async (w) => {
        if (!(await leased(id, owner))) return () => false;
        w.writeOne(...named(S.dead, { at: o.at, attempts: o.attempts, error: o.error, id, owner }));
        w.audit(o.at, o.audit);
        return () => true;
      });
    },
    async discard(id, owner) {
      return (await changed(c, S.discard, id, owner)) === 1;
    },
    async get(id) {
      const r = await first<WebhookEventRow>(c, S.event, id);
      return r ? toWebhookEvent(r) : null;
    },
    async list(filter) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (filter.systemIds) (where.push('system_id IN (SELECT value FROM json_each(?))'), params.push(JSON.stringify(filter.systemIds)));
      if (filter.state) (where.push('state = ?'), params.push(filter.state));
      const sql = `SELECT * FROM webhook_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`;
      return (await all<WebhookEventRow>(c, sql, ...params, filter.limit)).map(toWebhookEvent);
    },
    async replay(id, at, audit) {
      return atomically<boolean>(c, async (w) => {
        if ((await w.first<{ state: string }>('SELECT state FROM webhook_outbox WHERE id = ?', id))?.state !== 'morta') return () => false;
        w.writeOne(S.replay, at, id);
        w.audit(at, audit);
        return () => true;
      });
    },
    async pruneDelivered(before, limit) {
      return changed(c, S.prune, before, limit);
    },
  };
}
