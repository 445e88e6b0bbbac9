import type { WebhookStore } from '../index.ts';
import { byDue, toSystemWebhook, toWebhookEvent, type SystemWebhookRow, type WebhookEventRow } from '../webhook-rows.ts';
import { auditAppender } from './audit.ts';
import type { Db } from './open.ts';

/** A random (version 4) UUID, made by SQLite itself: the outbox row is written inside the trâmite writer's transaction. */
export const SQLITE_UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
  substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;

/**
 * The outbox insert the trâmite writers run with each history row (tramites-sqlite.ts): one event
 * per party system that has a webhook, for the situação just written. Parameters: `{situacao, at, idt}`.
 */
export const SQLITE_OUTBOX_INSERT = `INSERT INTO webhook_outbox (id, system_id, side, idt, nre, situacao, is_replay, created_at, state, attempts, next_attempt_at)
  SELECT ${SQLITE_UUID}, w.system_id, p.side, t.idt, t.nre, @situacao, t.is_replay, @at, 'pendente', 0, @at
  FROM tramites t CROSS JOIN (SELECT 'sender' AS side UNION ALL SELECT 'receiver') p
  JOIN system_webhooks w ON w.system_id = CASE p.side WHEN 'sender' THEN t.sender_system_id ELSE t.receiver_system_id END
  WHERE t.idt = @idt`;

/** Webhook URLs and the notification outbox in the embedded store (one process: the lease still guards a re-entrant tick). */
export function sqliteWebhooks(db: Db): WebhookStore {
  const q = {
    get: db.prepare<[string], SystemWebhookRow>('SELECT * FROM system_webhooks WHERE system_id = ?'),
    all: db.prepare<[], SystemWebhookRow>('SELECT * FROM system_webhooks ORDER BY system_id'),
    put: db.prepare<[string, string, string, string]>(
      'INSERT INTO system_webhooks (system_id, url, at, actor) VALUES (?, ?, ?, ?) ON CONFLICT (system_id) DO UPDATE SET url = excluded.url, at = excluded.at, actor = excluded.actor',
    ),
    remove: db.prepare<[string]>('DELETE FROM system_webhooks WHERE system_id = ?'),
    claim: db.prepare<[{ now: string; owner: string; until: string; limit: number }], WebhookEventRow>(
      `UPDATE webhook_outbox SET lease_owner = @owner, lease_until = @until WHERE id IN (
         SELECT id FROM webhook_outbox WHERE state = 'pendente' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
         ORDER BY next_attempt_at, created_at LIMIT @limit) RETURNING *`,
    ),
    delivered: db.prepare<[{ at: string; attempts: number; id: string; owner: string }]>(
      `UPDATE webhook_outbox SET state = 'entregue', delivered_at = @at, last_attempt_at = @at, attempts = @attempts, last_error = NULL, lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND lease_owner = @owner AND state = 'pendente'`,
    ),
    retry: db.prepare<[{ at: string; attempts: number; next: string; error: string; id: string; owner: string }]>(
      `UPDATE webhook_outbox SET last_attempt_at = CASE WHEN @attempts > attempts THEN @at ELSE last_attempt_at END, attempts = @attempts, next_attempt_at = @next,
       last_error = @error, lease_owner = NULL, lease_until = NULL WHERE id = @id AND lease_owner = @owner AND state = 'pendente'`,
    ),
    dead: db.prepare<[{ at: string; attempts: number; error: string; id: string; owner: string }]>(
      `UPDATE webhook_outbox SET state = 'morta', last_attempt_at = @at, attempts = @attempts, last_error = @error, lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND lease_owner = @owner AND state = 'pendente'`,
    ),
    prune: db.prepare<[string, number]>(
      `DELETE FROM webhook_outbox WHERE id IN (SELECT id FROM webhook_outbox WHERE state = 'entregue' AND next_attempt_at < ? LIMIT ?)`,
    ),
    discard: db.prepare<[string, string]>('DELETE FROM webhook_outbox WHERE id = ? AND lease_owner = ?'),
    event: db.prepare<[string], WebhookEventRow>('SELECT * FROM webhook_outbox WHERE id = ?'),
    replay: db.prepare<[string, string]>(
      `UPDATE webhook_outbox SET state = 'pendente', attempts = 0, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND state = 'morta'`,
    ),
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
