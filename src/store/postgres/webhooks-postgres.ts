import type pg from 'pg';
import type { WebhookStore } from '../index.ts';
import { byDue, toSystemWebhook, toWebhookEvent, type SystemWebhookRow, type WebhookEventRow } from '../webhook-rows.ts';
import { appendAudit } from './audit.ts';
import { one, rows, run, stmt, tx } from './db.ts';

/**
 * The outbox insert the trâmite writers run with each history row (tramites-postgres.ts), in the
 * same transaction: one event per party system that has a webhook. Parameters: idt, situação, at.
 */
export const postgresOutboxInsert = stmt<[number, number, string]>(
  `INSERT INTO webhook_outbox (id, system_id, side, idt, nre, situacao, is_replay, created_at, state, attempts, next_attempt_at)
   SELECT gen_random_uuid()::text, w.system_id, p.side, t.idt, t.nre, $2, t.is_replay, $3, 'pendente', 0, $3
   FROM tramites t CROSS JOIN (VALUES ('sender'), ('receiver')) AS p(side)
   JOIN system_webhooks w ON w.system_id = CASE p.side WHEN 'sender' THEN t.sender_system_id ELSE t.receiver_system_id END
   WHERE t.idt = $1`,
);

const s = {
  get: stmt<[string], SystemWebhookRow>('SELECT * FROM system_webhooks WHERE system_id = $1'),
  all: stmt<[], SystemWebhookRow>('SELECT * FROM system_webhooks ORDER BY system_id'),
  put: stmt<[string, string, string, string]>(
    'INSERT INTO system_webhooks (system_id, url, at, actor) VALUES ($1, $2, $3, $4) ON CONFLICT (system_id) DO UPDATE SET url = excluded.url, at = excluded.at, actor = excluded.actor',
  ),
  remove: stmt<[string]>('DELETE FROM system_webhooks WHERE system_id = $1'),
  // SKIP LOCKED: two nodes claiming at once take disjoint events instead of waiting on each other
  claim: stmt<[string, string, string, number], WebhookEventRow>(
    `UPDATE webhook_outbox SET lease_owner = $2, lease_until = $3 WHERE id IN (
       SELECT id FROM webhook_outbox WHERE state = 'pendente' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
       ORDER BY next_attempt_at, created_at LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING *`,
  ),
  delivered: stmt<[string, number, string, string]>(
    `UPDATE webhook_outbox SET state = 'entregue', delivered_at = $1, last_attempt_at = $1, attempts = $2, last_error = NULL, lease_owner = NULL, lease_until = NULL
     WHERE id = $3 AND lease_owner = $4 AND state = 'pendente'`,
  ),
  retry: stmt<[string, number, string, string, string, string]>(
    `UPDATE webhook_outbox SET last_attempt_at = CASE WHEN $2 > attempts THEN $1 ELSE last_attempt_at END, attempts = $2, next_attempt_at = $3, last_error = $4,
     lease_owner = NULL, lease_until = NULL WHERE id = $5 AND lease_owner = $6 AND state = 'pendente'`,
  ),
  dead: stmt<[string, number, string, string, string]>(
    `UPDATE webhook_outbox SET state = 'morta', last_attempt_at = $1, attempts = $2, last_error = $3, lease_owner = NULL, lease_until = NULL
     WHERE id = $4 AND lease_owner = $5 AND state = 'pendente'`,
  ),
  prune: stmt<[string, number]>(
    `DELETE FROM webhook_outbox WHERE id IN (SELECT id FROM webhook_outbox WHERE state = 'entregue' AND next_attempt_at < $1 LIMIT $2)`,
  ),
  discard: stmt<[string, string]>('DELETE FROM webhook_outbox WHERE id = $1 AND lease_owner = $2'),
  event: stmt<[string], WebhookEventRow>('SELECT * FROM webhook_outbox WHERE id = $1'),
  replay: stmt<[string, string]>(
    `UPDATE webhook_outbox SET state = 'pendente', attempts = 0, next_attempt_at = $1, lease_owner = NULL, lease_until = NULL WHERE id = $2 AND state = 'morta'`,
  ),
};

/** Webhook URLs and the notification outbox on PostgreSQL, shared by every node (claims hold a lease). */
export function postgresWebhooks(pool: pg.Pool): WebhookStore {
  const lists = new Map<string, ReturnType<typeof stmt<unknown[], WebhookEventRow>>>();
  return {
    async getWebhook(systemId) {
      const r = await one(pool, s.get, systemId);
      return r ? toSystemWebhook(r) : null;
    },
    async listWebhooks() {
      return (await rows(pool, s.all)).map(toSystemWebhook);
    },
    async setWebhook(systemId, url, at, actor, audit) {
      await tx(pool, async (c) => {
        if (url === null) await run(c, s.remove, systemId);
        else await run(c, s.put, systemId, url, at, actor);
        await appendAudit(c, at, audit);
      });
    },
    async claimDue(now, owner, leaseUntil, limit) {
      return (await rows(pool, s.claim, now, owner, leaseUntil, limit)).map(toWebhookEvent).sort(byDue);
    },
    async finish(id, owner, o) {
      if (o.state === 'entregue') return (await run(pool, s.delivered, o.at, o.attempts, id, owner)) === 1;
      if (o.state === 'pendente') return (await run(pool, s.retry, o.at, o.attempts, o.nextAttemptAt, o.error, id, owner)) === 1;
      return tx(pool, async (c) => {
        if ((await run(c, s.dead, o.at, o.attempts, o.error, id, owner)) !== 1) return false;
        await appendAudit(c, o.at, o.audit);
        return true;
      });
    },
    async discard(id, owner) {
      return (await run(pool, s.discard, id, owner)) === 1;
    },
    async get(id) {
      const r = await one(pool, s.event, id);
      return r ? toWebhookEvent(r) : null;
    },
    async list(filter) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.systemIds) where.push(`system_id = ANY($${params.push([...filter.systemIds])})`);
      if (filter.state) where.push(`state = $${params.push(filter.state)}`);
      const text = `SELECT * FROM webhook_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT $${params.push(filter.limit)}`;
      let st = lists.get(text);
      if (!st) lists.set(text, (st = stmt<unknown[], WebhookEventRow>(text)));
      return (await rows(pool, st, ...params)).map(toWebhookEvent);
    },
    async replay(id, at, audit) {
      return tx(pool, async (c) => {
        if ((await run(c, s.replay, at, id)) !== 1) return false;
        await appendAudit(c, at, audit);
        return true;
      });
    },
    async pruneDelivered(before, limit) {
      return run(pool, s.prune, before, limit);
    },
  };
}
