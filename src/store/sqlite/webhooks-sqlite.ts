import type { WebhookStore } from '../index.ts';
import { byDue, toSystemWebhook, toWebhookEvent, type SystemWebhookRow, type WebhookEventRow } from '../webhook-rows.ts';
import { auditAppender } from './audit.ts';
import type { Db } from './open.ts';
import { WEBHOOK_SQL } from './webhook-sql.ts';

/** Webhook URLs and the notification outbox in the embedded store (one process: the lease still guards a re-entrant tick). */
export function sqliteWebhooks(db: Db): WebhookStore {
  const q = {
    get: db.prepare<[string], SystemWebhookRow>(WEBHOOK_SQL.get),
    all: db.prepare<[], SystemWebhookRow>(WEBHOOK_SQL.all),
    put: db.prepare<[string, string, string, string]>(WEBHOOK_SQL.put),
    remove: db.prepare<[string]>(WEBHOOK_SQL.remove),
    claim: db.prepare<[{ now: string; owner: string; until: string; limit: number }], WebhookEventRow>(WEBHOOK_SQL.claim),
    delivered: db.prepare<[{ at: string; attempts: number; id: string; owner: string }]>(WEBHOOK_SQL.delivered),
    retry: db.prepare<[{ at: string; attempts: number; next: string; error: string; id: string; owner: string }]>(WEBHOOK_SQL.retry),
    dead: db.prepare<[{ at: string; attempts: number; error: string; id: string; owner: string }]>(WEBHOOK_SQL.dead),
    prune: db.prepare<[string, number]>(WEBHOOK_SQL.prune),
    discard: db.prepare<[string, string]>(WEBHOOK_SQL.discard),
    event: db.prepare<[string], WebhookEventRow>(WEBHOOK_SQL.event),
    replay: db.prepare<[string, string]>(WEBHOOK_SQL.replay),
  };
  const audited = auditAppender(db);
  const set = db.transaction((systemId: string, url: string | null, at: string, actor: string, audit: Parameters<WebhookStore['setWebhook']>[4]) => {
    if (url === null) q.remove.run(systemId);
    else q.put.run(systemId, url, at, actor);
    audited(at, audit);
  });
  const finish = db.transaction((id: string, owner: string, o: Parameters<WebhookStore['finish']>[2]): boolean => {
    if (o.state === 'entregue') return q.delivered.run({ at: o.at, attempts: o.attempts, id, owner }).changes === 1;
    if (o.state === 'pendente') return q.retry.run({ at: o.at, attempts: o.attempts, next: o.nextAttemptAt, error: o.error, id, owner }).changes === 1;
    if (q.dead.run({ at: o.at, attempts: o.attempts, error: o.error, id, owner }).changes !== 1) return false;
    audited(o.at, o.audit);
    return true;
  });
  const replay = db.transaction((id: string, at: string, audit: Parameters<WebhookStore['replay']>[2]): boolean => {
    if (q.replay.run(at, id).changes !== 1) return false;
    audited(at, audit);
    return true;
  });
  const lists = new Map<string, ReturnType<typeof db.prepare<unknown[], WebhookEventRow>>>();
  return {
    async getWebhook(systemId) {
      const r = q.get.get(systemId);
      return r ? toSystemWebhook(r) : null;
    },
    async listWebhooks() {
      return q.all.all().map(toSystemWebhook);
    },
    async setWebhook(systemId, url, at, actor, audit) {
      set(systemId, url, at, actor, audit);
    },
    async claimDue(now, owner, leaseUntil, limit) {
      return q.claim.all({ now, owner, until: leaseUntil, limit }).map(toWebhookEvent).sort(byDue);
    },
    async finish(id, owner, outcome) {
      return finish(id, owner, outcome);
    },
    async discard(id, owner) {
      return q.discard.run(id, owner).changes === 1;
    },
    async get(id) {
      const r = q.event.get(id);
      return r ? toWebhookEvent(r) : null;
    },
    async list(filter) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.systemIds) {
        where.push('system_id IN (SELECT value FROM json_each(?))');
        params.push(JSON.stringify(filter.systemIds));
      }
      if (filter.state) {
        where.push('state = ?');
        params.push(filter.state);
      }
      const sql = `SELECT * FROM webhook_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`;
      let st = lists.get(sql);
      if (!st) lists.set(sql, (st = db.prepare<unknown[], WebhookEventRow>(sql)));
      return st.all(...params, filter.limit).map(toWebhookEvent);
    },
    async replay(id, at, audit) {
      return replay(id, at, audit);
    },
    async pruneDelivered(before, limit) {
      return q.prune.run(before, limit).changes;
    },
  };
}
