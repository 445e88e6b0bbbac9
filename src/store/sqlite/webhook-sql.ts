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

/** The webhook store's statements, shared by the SQLite and D1 adapters (one dialect). */
export const WEBHOOK_SQL = {
  get: 'SELECT * FROM system_webhooks WHERE system_id = ?',
  all: 'SELECT * FROM system_webhooks ORDER BY system_id',
  put: 'INSERT INTO system_webhooks (system_id, url, at, actor) VALUES (?, ?, ?, ?) ON CONFLICT (system_id) DO UPDATE SET url = excluded.url, at = excluded.at, actor = excluded.actor',
  remove: 'DELETE FROM system_webhooks WHERE system_id = ?',
  claim: `UPDATE webhook_outbox SET lease_owner = @owner, lease_until = @until WHERE id IN (
         SELECT id FROM webhook_outbox WHERE state = 'pendente' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
         ORDER BY next_attempt_at, created_at LIMIT @limit) RETURNING *`,
  delivered: `UPDATE webhook_outbox SET state = 'entregue', delivered_at = @at, last_attempt_at = @at, attempts = @attempts, last_error = NULL, lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND lease_owner = @owner AND state = 'pendente'`,
  retry: `UPDATE webhook_outbox SET last_attempt_at = CASE WHEN @attempts > attempts THEN @at ELSE last_attempt_at END, attempts = @attempts, next_attempt_at = @next,
       last_error = @error, lease_owner = NULL, lease_until = NULL WHERE id = @id AND lease_owner = @owner AND state = 'pendente'`,
  dead: `UPDATE webhook_outbox SET state = 'morta', last_attempt_at = @at, attempts = @attempts, last_error = @error, lease_owner = NULL, lease_until = NULL
       WHERE id = @id AND lease_owner = @owner AND state = 'pendente'`,
  prune: `DELETE FROM webhook_outbox WHERE id IN (SELECT id FROM webhook_outbox WHERE state = 'entregue' AND next_attempt_at < ? LIMIT ?)`,
  discard: 'DELETE FROM webhook_outbox WHERE id = ? AND lease_owner = ?',
  event: 'SELECT * FROM webhook_outbox WHERE id = ?',
  replay: `UPDATE webhook_outbox SET state = 'pendente', attempts = 0, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND state = 'morta'`,
} as const;
