/**
 * Operational metrics port (README "Operação"): the counters services and http/ move. The
 * runtime implements it with prom-client (src/runtime/metrics.ts); another runtime supplies its
 * own. Every label value comes from a closed set or a route template, never from a request's raw
 * URL, a system id or a hash, so the number of series stays bounded whatever clients send.
 * Every function is cheap and never throws: a metric must never fail the request it counts.
 */
export interface Metrics {
  /** One answered request: Hono's matched route template (never the raw URL), method, status, seconds taken. */
  httpRequest(route: string, method: string, status: number, seconds: number): void;
  /** Bytes of component content accepted from a sender (committed) or served to a receiver. */
  componentBytes(direction: 'entrada' | 'saida', bytes: number): void;
  /** A completion receipt the hub refused (spec §7.2): the signature or the date did not check. */
  completionReceiptRejected(): void;
  /** One webhook delivery attempt, whatever came of it. */
  webhookAttempt(): void;
  /** A webhook attempt that failed (`motivo`: a closed set, e.g. 'http', 'rede', 'tempo'). */
  webhookFailure(motivo: WebhookFailureReason): void;
  /** A webhook delivery given up after its last retry (moved to the dead letters). */
  webhookDeadLetter(): void;
}

export type WebhookFailureReason = 'http' | 'rede' | 'tempo' | 'outro';

/** When the runtime supplies none (unit tests, a runtime without metrics). */
export const noMetrics: Metrics = {
  httpRequest() {},
  componentBytes() {},
  completionReceiptRejected() {},
  webhookAttempt() {},
  webhookFailure() {},
  webhookDeadLetter() {},
};
