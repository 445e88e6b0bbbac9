import { inNetwork, parseAddress, parseNetwork, type Address, type Network } from './ip-address.ts';

/**
 * Push notifications (README "Monitorando" → "Notificações por webhook"): a system with a webhook
 * URL gets a small signed JSON on each new pendência for it. Polling `tramites/pendentes` stays
 * the source of truth (spec §2.14, §5.3); a notification only says "call it now" and never carries
 * process content. This file holds the pure rules: which destinations are refused (server-side
 * request forgery), the retry schedule, the payload and the bytes the hub signs.
 */

/** An outbox event: one per new pendência per recipient system (store/index.ts WebhookStore). */
export type WebhookState = 'pendente' | 'entregue' | 'morta';

export interface WebhookEvent {
  /** UUID: the receiver deduplicates on it (delivery is at least once). */
  id: string;
  systemId: string;
  /** The side of the trâmite the system is on: which pendência rule applies (domain/situacao.ts). */
  side: 'sender' | 'receiver';
  idt: number;
  nre: string;
  situacao: number;
  isReplay: boolean;
  createdAt: string;
  state: WebhookState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

/** Address blocks a webhook is never delivered to unless allow-listed (RFC 6890 special-purpose registries). */
const REFUSED_BLOCKS: readonly [string, string][] = [
  ['0.0.0.0/8', 'rede "este host"'],
  ['10.0.0.0/8', 'rede privada'],
  ['100.64.0.0/10', 'rede compartilhada de operadora (CGNAT)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (inclui metadados de nuvem)'],
  ['172.16.0.0/12', 'rede privada'],
  ['192.0.0.0/24', 'bloco reservado do IETF'],
  ['192.0.2.0/24', 'rede de documentação'],
  ['192.168.0.0/16', 'rede privada'],
  ['198.18.0.0/15', 'rede de testes de desempenho'],
  ['198.51.100.0/24', 'rede de documentação'],
  ['203.0.113.0/24', 'rede de documentação'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'bloco reservado'],
  ['::/128', 'endereço não especificado'],
  ['::1/128', 'loopback'],
  ['::/96', 'IPv6 compatível com IPv4 (obsoleto)'],
  ['64:ff9b::/96', 'tradução NAT64'],
  ['64:ff9b:1::/48', 'tradução NAT64 local'],
  ['100::/64', 'bloco de descarte'],
  ['2001:db8::/32', 'rede de documentação'],
  ['fc00::/7', 'rede local única (ULA)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local (obsoleto)'],
  ['ff00::/8', 'multicast'],
];
const REFUSED = REFUSED_BLOCKS.map(([cidr, label]) => ({ network: parseNetwork(cidr)!, label }));

/** Why an address may not receive a webhook (Portuguese, for the message), or null when it may. */
export function refusedAddress(address: string, allow: readonly Network[]): string | null {
  const a: Address | null = parseAddress(address);
  if (!a) return `"${address}" não é um endereço IP`;
  if (allow.some((n) => inNetwork(a, n))) return null;
  const hit = REFUSED.find((r) => inNetwork(a, r.network));
  return hit ? `${address} é ${hit.label}` : null;
}

/** Parses the allow-list (CIDR blocks or addresses); the invalid entries are returned apart. */
export function allowList(entries: readonly string[]): { networks: Network[]; invalid: string[] } {
  const networks: Network[] = [];
  const invalid: string[] = [];
  for (const e of entries) {
    const n = parseNetwork(e);
    if (n) networks.push(n);
    else invalid.push(e);
  }
  return { networks, invalid };
}

/**
 * The delay before attempt `attempts + 1`: exponential (base × 2^(attempts−1), capped), with
 * "equal jitter" — half fixed, half random — so that many events failing together (a receiver
 * down) do not come back together (`random` in [0, 1), from the Ids port).
 */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number, random: number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.round(exp / 2 + (exp / 2) * Math.min(Math.max(random, 0), 1));
}

/** What the receiver is told: identifiers only, never process content (issue: "a webhook never carries process content"). */
export interface WebhookPayload {
  evento: string;
  tipo: 'pendencia';
  sistema: string;
  IDT: number;
  NRE: string;
  situacao: number;
  ocorridoEm: string;
  /** What to call: the pendências service is the source of truth (spec §2.14). */
  chamar: string;
}

export const PENDENCIAS_CALL = 'GET /interoperabilidade/rest/v3/tramites/pendentes';

export function webhookPayload(e: Pick<WebhookEvent, 'id' | 'systemId' | 'idt' | 'nre' | 'situacao' | 'createdAt'>): WebhookPayload {
  return { evento: e.id, tipo: 'pendencia', sistema: e.systemId, IDT: e.idt, NRE: e.nre, situacao: e.situacao, ocorridoEm: e.createdAt, chamar: PENDENCIAS_CALL };
}

/** Header names the receiver reads (README "Notificações por webhook"). */
export const SIGNATURE_HEADER = 'Elo-Assinatura';
export const EVENT_HEADER = 'Elo-Evento';

/**
 * The bytes the hub signs: `<unix seconds>.<body>`, so that the timestamp is covered by the
 * signature and a receiver can refuse an old (replayed) notification.
 */
export function signedContent(timestamp: number, body: string): string {
  return `${timestamp}.${body}`;
}

/** The signature header's value: `t=<unix seconds>,v1=<base64 RSA-SHA256 over signedContent>`. */
export function signatureHeader(timestamp: number, signatureBase64: string): string {
  return `t=${timestamp},v1=${signatureBase64}`;
}
