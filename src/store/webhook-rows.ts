import type { WebhookEvent, WebhookState } from '../domain/webhooks.ts';
import type { SystemWebhook } from './index.ts';

/** A row of `webhook_outbox` as both adapters read it (`is_replay`: 0/1 in SQLite, boolean in PostgreSQL). */
export interface WebhookEventRow {
  id: string;
  system_id: string;
  side: string;
  idt: number;
  nre: string;
  situacao: number;
  is_replay: number | boolean;
  created_at: string;
  state: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
}

export interface SystemWebhookRow {
  system_id: string;
  url: string;
  at: string;
  actor: string;
}

export const toWebhookEvent = (r: WebhookEventRow): WebhookEvent => ({
  id: r.id,
  systemId: r.system_id,
  side: r.side === 'sender' ? 'sender' : 'receiver',
  idt: Number(r.idt),
  nre: r.nre,
  situacao: Number(r.situacao),
  isReplay: r.is_replay === true || r.is_replay === 1,
  createdAt: r.created_at,
  state: r.state as WebhookState,
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  lastAttemptAt: r.last_attempt_at,
  deliveredAt: r.delivered_at,
});

export const toSystemWebhook = (r: SystemWebhookRow): SystemWebhook => ({ systemId: r.system_id, url: r.url, at: r.at, actor: r.actor });

/** Oldest due first: the order events are claimed and delivered in. */
export const byDue = (a: WebhookEvent, b: WebhookEvent): number =>
  a.nextAttemptAt < b.nextAttemptAt ? -1 : a.nextAttemptAt > b.nextAttemptAt ? 1 : a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
