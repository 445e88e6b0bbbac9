import { z } from 'zod';
import type { AdminPrincipal } from '../domain/admin-roles.ts';
import { EloError } from '../domain/errors.ts';
import { isPendenciaFor, type Situacao } from '../domain/situacao.ts';
import { validationFailed } from '../domain/tramita/index.ts';
import {
  allowList,
  EVENT_HEADER,
  refusedAddress,
  retryDelayMs,
  SIGNATURE_HEADER,
  signatureHeader,
  signedContent,
  webhookPayload,
  type WebhookEvent,
} from '../domain/webhooks.ts';
import { toBase64 } from '../pki/encoding.ts';
import type { WebhookOutcome } from '../store/index.ts';
import type { ServiceDeps } from './deps.ts';
import { systemInScope } from './system-scope.ts';
import { workflowDecisions } from './transfers/workflow.ts';

/** How deliveries are made and retried (runtime/config.ts `webhook*`; README "Configuração"). */
export interface WebhookSettings {
  /** `http:` URLs accepted (development only); otherwise https only. */
  allowHttp: boolean;
  /** CIDR blocks (or addresses) allowed even inside the refused ranges (loopback, private…). */
  allow: readonly string[];
  /** Attempts before an event becomes a dead letter (the retry budget). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Connection plus answer, per attempt. */
  timeoutMs: number;
  /** Events one tick claims. */
  batch: number;
  /** Consecutive failures of a destination that open its circuit. */
  breakerFailures: number;
  /** How long an open circuit holds before one probe is let through (half-open). */
  breakerOpenMs: number;
}

/** One POST as the transport is asked to make it: to `address`, already checked; never a redirect followed. */
export interface WebhookRequest {
  url: URL;
  address: string;
  headers: Record<string, string>;
  body: Uint8Array;
  timeoutMs: number;
  /** Bytes of the answer read at most (the rest is dropped unread). */
  maxResponseBytes: number;
}

export type WebhookResponse = { status: number; location: string | null; bodyStart: string } | { error: string };

/**
 * The network, as the services need it (runtime/webhook-transport.ts: node:dns and node:https).
 * The address the transport connects to is the one the services checked, so that a name cannot
 * resolve to a public address for the check and to a private one for the connection.
 */
export interface WebhookTransport {
  /** Every address (A and AAAA) of a host name; an error when it has none. */
  resolve(host: string): Promise<string[]>;
  post(request: WebhookRequest): Promise<WebhookResponse>;
}

/** What one delivery attempt did: the hook the metrics are wired to (`WebhookDeps.onDelivery`). */
export interface WebhookDeliveryResult {
  evento: string;
  sistema: string;
  /** The destination's origin (scheme, host, port): what the circuit breaker counts by. */
  destino: string | null;
  resultado: 'entregue' | 'falhou' | 'morta' | 'adiada';
  tentativa: number;
  status: number | null;
  erro: string | null;
  duracaoMs: number;
}

export interface WebhookDeps {
  transport: WebhookTransport;
  settings: WebhookSettings;
  /** Called after every attempt (metrics: deliveries, failures, dead letters, latency). */
  onDelivery?: (r: WebhookDeliveryResult) => void;
}

const MAX_URL_LENGTH = 2048;
const MAX_RESPONSE_BYTES = 4096;
const DEAD_LETTERS_LISTED = 500;
/** Delivered events are kept this long (a receiver's questions about a notification), then forgotten. */
export const DELIVERED_KEPT_MS = 7 * 86_400_000;

export const webhookInputSchema = z
  .object({
    url: z.string().max(MAX_URL_LENGTH, `use no máximo ${MAX_URL_LENGTH} caracteres`).nullable().describe('URL https que recebe as notificações; null remove'),
  })
  .strict();

/** A dead letter as listed (dashboard and `GET /admin/api/webhooks/mortos`). */
export interface DeadLetterView {
  id: string;
  sistema: string;
  IDT: number;
  NRE: string;
  situacao: number;
  criadoEm: string;
  tentativas: number;
  ultimaTentativaEm: string | null;
  ultimoErro: string | null;
}

const deadLetterView = (e: WebhookEvent): DeadLetterView => ({
  id: e.id,
  sistema: e.systemId,
  IDT: e.idt,
  NRE: e.nre,
  situacao: e.situacao,
  criadoEm: e.createdAt,
  tentativas: e.attempts,
  ultimaTentativaEm: e.lastAttemptAt,
  ultimoErro: e.lastError,
});

interface Circuit {
  failures: number;
  /** When the open circuit lets one probe through; null: closed. */
  openUntil: number | null;
}

/**
 * Registration of webhook URLs (the administration API and `elo system webhook`): narrow deps,
 * since registering needs the resolver and the allow-list but never the signer.
 */
export function webhookRegistration(deps: Pick<ServiceDeps, 'store' | 'clock' | 'webhooks'>) {
  const { registry, webhooks } = deps.store;
  const config = deps.webhooks;
  const allowed = allowList(config?.settings.allow ?? []).networks;
  const refuse = (mensagem: string, url?: string) => new EloError('webhook_url_refused', mensagem, url ? { url } : undefined);

  /**
   * The URL, checked against server-side request forgery: https (unless configured), no
   * credentials, and every address its host resolves to outside loopback, link-local, private,
   * CGNAT and ULA ranges unless allow-listed. Returns the address to connect to.
   */
  async function checkDestination(raw: string): Promise<{ url: URL; address: string }> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw refuse(`"${raw}" não é uma URL válida. Informe algo como https://sei.exemplo.gov.br/elo/notificacoes.`, raw);
    }
    const schemes = config?.settings.allowHttp ? ['https:', 'http:'] : ['https:'];
    if (!schemes.includes(url.protocol))
      throw refuse(`A URL do webhook deve usar https (recebida: ${url.protocol.replace(':', '')}). Notificações só vão por conexão cifrada e com o servidor verificado.`, raw);
    if (url.username || url.password) throw refuse('A URL do webhook não pode conter usuário ou senha: o receptor autentica o hub pela assinatura (cabeçalho Elo-Assinatura).', raw);
    if (!config) throw new EloError('webhooks_unavailable', 'Este hub não tem a entrega de webhooks configurada; tente de novo depois que o operador a ativar.');
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: string[];
    if (/^[\d.]+$/.test(host) || host.includes(':')) addresses = [host];
    else {
      try {
        addresses = await config.transport.resolve(host);
      } catch (e) {
        throw refuse(`O nome "${host}" não pôde ser resolvido (${e instanceof Error ? e.message : String(e)}). Confira a URL do webhook.`, raw);
      }
      if (addresses.length === 0) throw refuse(`O nome "${host}" não tem endereço. Confira a URL do webhook.`, raw);
    }
    for (const a of addresses) {
      const why = refusedAddress(a, allowed);
      if (why)
        throw refuse(
          `A URL do webhook leva a um endereço que o hub não alcança (${why}): notificações só vão a endereços públicos, para que o hub não seja usado contra a rede interna. Um operador pode liberar o bloco em ELO_WEBHOOK_ALLOW.`,
          raw,
        );
    }
    return { url, address: addresses[0]! };
  }

  return {
    checkDestination,

    /** A system's webhook (null url: none), within the caller's reach. */
    async get(systemId: string, onlyFor?: string | null): Promise<{ sistema: string; url: string | null; definidoEm: string | null; definidoPor: string | null }> {
      await systemInScope(registry, systemId, onlyFor);
      const w = await webhooks.getWebhook(systemId);
      return { sistema: systemId, url: w?.url ?? null, definidoEm: w?.at ?? null, definidoPor: w?.actor ?? null };
    },

    /** Sets (`{url}`) or removes (`{url: null}`) a system's webhook, checked against SSRF, with an audit event. */
    async set(systemId: string, input: unknown, actor: string, onlyFor?: string | null) {
      await systemInScope(registry, systemId, onlyFor);
      const parsed = webhookInputSchema.safeParse(input);
      if (!parsed.success) throw validationFailed(parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'corpo', message: i.message })));
      const at = deps.clock.now().toISOString();
      const url = parsed.data.url === null ? null : (await checkDestination(parsed.data.url.trim())).url.href;
      await webhooks.setWebhook(systemId, url, at, actor, {
        kind: url ? 'webhook.definido' : 'webhook.removido',
        actor,
        data: { sistema: systemId, ...(url ? { url } : {}) },
      });
      return { sistema: systemId, url, definidoEm: at, definidoPor: actor };
    },
  };
}

/**
 * Push notifications (README "Notificações por webhook"). The outbox is written by the store in
 * the transaction of each transition; this service decides which of those events are new
 * pendências (domain/situacao.ts, the same rule as `tramites/pendentes`), delivers them signed by
 * the hub, retries with exponential backoff and jitter within a budget, keeps a circuit per
 * destination, and turns what is left into dead letters an administrator may replay.
 */
export function webhookService(deps: ServiceDeps) {
  const { registry, webhooks } = deps.store;
  const { wf } = workflowDecisions(deps);
  const config = deps.webhooks;
  const registration = webhookRegistration(deps);
  const { checkDestination } = registration;
  // Per node: each node of a cluster learns a destination is down on its own (README).
  const circuits = new Map<string, Circuit>();
  const owner = deps.ids.uuid();
  let running: Promise<DeliveryRound> | null = null;

  const randomFraction = (): number => {
    const b = deps.ids.randomBytes(4);
    return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 2 ** 32;
  };

  const report = (r: WebhookDeliveryResult) => {
    try {
      config?.onDelivery?.(r);
    } catch {
      // a metrics hook never breaks a delivery
    }
  };

  /** Ends a failed attempt: retried later within the budget, else a dead letter. */
  function failure(e: WebhookEvent, at: Date, error: string): WebhookOutcome {
    const s = config!.settings;
    const attempts = e.attempts + 1;
    const iso = at.toISOString();
    if (attempts >= s.maxAttempts)
      return {
        state: 'morta',
        at: iso,
        attempts,
        error,
        audit: { kind: 'webhook.morto', actor: 'hub', idt: e.idt, data: { evento: e.id, sistema: e.systemId, situacao: e.situacao, tentativas: attempts, erro: error } },
      };
    const next = new Date(at.getTime() + retryDelayMs(attempts, s.baseDelayMs, s.maxDelayMs, randomFraction()));
    return { state: 'pendente', at: iso, attempts, nextAttemptAt: next.toISOString(), error };
  }

  async function attempt(e: WebhookEvent): Promise<{ outcome: WebhookOutcome | 'discard'; result?: WebhookDeliveryResult }> {
    const s = config!.settings;
    const started = deps.clock.now();
    // which events are new pendências is the workflow's rule, the same as tramites/pendentes (spec §2.14)
    if (!isPendenciaFor(e.side, e.situacao as Situacao, e.isReplay, wf)) return { outcome: 'discard' };
    const base = { evento: e.id, sistema: e.systemId, tentativa: e.attempts + 1, status: null, duracaoMs: 0 };
    const hook = await webhooks.getWebhook(e.systemId);
    if (!hook) {
      const error = 'o sistema não tem mais URL de webhook cadastrada';
      return {
        outcome: { state: 'morta', at: started.toISOString(), attempts: e.attempts, error, audit: { kind: 'webhook.morto', actor: 'hub', idt: e.idt, data: { evento: e.id, sistema: e.systemId, erro: error } } },
        result: { ...base, destino: null, resultado: 'morta', erro: error },
      };
    }
    const destino = new URL(hook.url).origin;
    const circuit = circuits.get(destino) ?? { failures: 0, openUntil: null };
    circuits.set(destino, circuit);
    if (circuit.openUntil !== null && started.getTime() < circuit.openUntil) {
      // not attempted: no attempt counted; back when the circuit lets a probe through
      const error = `circuito aberto para ${destino} depois de ${circuit.failures} falhas seguidas`;
      const next = new Date(circuit.openUntil + Math.round(randomFraction() * 1000));
      return { outcome: { state: 'pendente', at: started.toISOString(), attempts: e.attempts, nextAttemptAt: next.toISOString(), error }, result: { ...base, destino, resultado: 'adiada', erro: error } };
    }
    let status: number | null = null;
    let error: string | null = null;
    try {
      // checked again at each delivery: the name may now resolve elsewhere (DNS rebinding)
      const { url, address } = await checkDestination(hook.url);
      const body = JSON.stringify(webhookPayload(e));
      const t = Math.floor(started.getTime() / 1000);
      const signature = await deps.hubSigner.sign(new TextEncoder().encode(signedContent(t, body)));
      const answer = await config!.transport.post({
        url,
        address,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Elo-Webhook/1',
          [EVENT_HEADER]: e.id,
          [SIGNATURE_HEADER]: signatureHeader(t, toBase64(signature)),
        },
        body: new TextEncoder().encode(body),
        timeoutMs: s.timeoutMs,
        maxResponseBytes: MAX_RESPONSE_BYTES,
      });
      if ('error' in answer) error = answer.error;
      else {
        status = answer.status;
        if (answer.status >= 300 && answer.status < 400) error = `HTTP ${answer.status}: redirecionamento não seguido${answer.location ? ` (Location: ${answer.location.slice(0, 200)})` : ''}`;
        else if (answer.status < 200 || answer.status >= 300) error = `HTTP ${answer.status}${answer.bodyStart ? `: ${answer.bodyStart.slice(0, 200)}` : ''}`;
      }
    } catch (x) {
      error = x instanceof EloError ? x.mensagem : x instanceof Error ? x.message : String(x);
    }
    const ended = deps.clock.now();
    const duracaoMs = Math.max(0, ended.getTime() - started.getTime());
    if (error === null) {
      circuit.failures = 0;
      circuit.openUntil = null;
      return { outcome: { state: 'entregue', at: ended.toISOString(), attempts: e.attempts + 1 }, result: { ...base, destino, resultado: 'entregue', status, erro: null, duracaoMs } };
    }
    circuit.failures++;
    // a failed half-open probe opens the circuit again at once
    if (circuit.failures >= s.breakerFailures || circuit.openUntil !== null) circuit.openUntil = ended.getTime() + s.breakerOpenMs;
    const outcome = failure(e, ended, error);
    return { outcome, result: { ...base, destino, resultado: outcome.state === 'morta' ? 'morta' : 'falhou', status, erro: error, duracaoMs } };
  }

  async function round(): Promise<DeliveryRound> {
    const done: DeliveryRound = { entregues: 0, falhas: 0, mortas: 0, adiadas: 0, descartadas: 0 };
    if (!config) return done;
    const s = config.settings;
    const now = deps.clock.now();
    // the lease outlasts the whole round, so that no other node takes an event being delivered
    const leaseUntil = new Date(now.getTime() + s.batch * s.timeoutMs + 30_000).toISOString();
    const claimed = await webhooks.claimDue(now.toISOString(), owner, leaseUntil, s.batch);
    // one destination's events in order, one at a time (its circuit sees each result); destinations in parallel
    const byDestination = new Map<string, WebhookEvent[]>();
    for (const e of claimed) {
      const key = (await webhooks.getWebhook(e.systemId))?.url ?? '';
      const list = byDestination.get(key) ?? [];
      list.push(e);
      byDestination.set(key, list);
    }
    await Promise.all(
      [...byDestination.values()].map(async (events) => {
        for (const e of events) {
          const { outcome, result } = await attempt(e);
          if (outcome === 'discard') {
            await webhooks.discard(e.id, owner);
            done.descartadas++;
            continue;
          }
          await webhooks.finish(e.id, owner, outcome);
          if (outcome.state === 'morta')
            deps.log({ level: 'warn', event: 'webhook.morto', data: { evento: e.id, sistema: e.systemId, IDT: e.idt, tentativas: outcome.attempts, erro: outcome.error } });
          if (result) report(result);
          if (result?.resultado === 'entregue') done.entregues++;
          else if (result?.resultado === 'adiada') done.adiadas++;
          else if (outcome.state === 'morta') done.mortas++;
          else done.falhas++;
        }
      }),
    );
    await webhooks.pruneDelivered(new Date(now.getTime() - DELIVERED_KEPT_MS).toISOString(), 500);
    return done;
  }

  return {
    ...registration,

    /** Dead letters: every system's for the federation's readers, its own systems' for a participant's administrator. */
    async deadLetters(principal: AdminPrincipal): Promise<DeadLetterView[]> {
      const systemIds =
        principal.role === 'participante' ? (await registry.listSystems()).filter((s) => s.participantId === principal.participantId).map((s) => s.id) : undefined;
      return (await webhooks.list({ systemIds, state: 'morta', limit: DEAD_LETTERS_LISTED })).map(deadLetterView);
    },

    /** Puts a dead letter back in the outbox with a fresh retry budget (admin any, participante its own; monitors read only). */
    async replay(id: string, actor: AdminPrincipal): Promise<DeadLetterView> {
      if (actor.role === 'monitor') throw new EloError('not_authorised', `O token "${actor.label}" é de monitoramento (somente leitura): não pode reenviar notificações.`);
      const e = await webhooks.get(id);
      if (!e) throw new EloError('not_found', `Notificação "${id}" não encontrada. Veja as que não foram entregues em GET /admin/api/webhooks/mortos.`, { evento: id });
      await systemInScope(registry, e.systemId, actor.role === 'participante' ? actor.participantId : undefined);
      const at = deps.clock.now().toISOString();
      const ok = await webhooks.replay(id, at, { kind: 'webhook.reenvio', actor: actor.label, idt: e.idt, data: { evento: id, sistema: e.systemId } });
      if (!ok)
        throw new EloError('webhook_not_dead', `A notificação "${id}" está ${e.state === 'entregue' ? 'entregue' : 'aguardando entrega'}: só uma notificação morta (não entregue após todas as tentativas) pode ser reenviada.`, {
          evento: id,
          situacao: e.state,
        });
      return deadLetterView({ ...e, state: 'pendente', attempts: 0 });
    },

    /** An outbox event (tests and the dashboard's detail). */
    event: (id: string) => webhooks.get(id),

    /**
     * One delivery round: claims the due events, delivers them, records each result. A round
     * asked for while one runs joins it (the worker's timer and a manual call never overlap).
     */
    deliverDue(): Promise<DeliveryRound> {
      running ??= round().finally(() => (running = null));
      return running;
    },
  };
}

/** What a delivery round did. */
export interface DeliveryRound {
  entregues: number;
  falhas: number;
  mortas: number;
  adiadas: number;
  descartadas: number;
}

export type WebhookService = ReturnType<typeof webhookService>;
