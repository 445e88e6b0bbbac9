/**
 * IP addresses and CIDR blocks as numbers (IPv4 in 32 bits, IPv6 in 128): who is a trusted proxy
 * (runtime/forwarded-client.ts) and where a webhook may be delivered (domain/webhooks.ts).
 * Pure: parsing text, no lookup.
 */

/** An IP address as a number: IPv4 in 32 bits, IPv6 in 128 (an IPv4-mapped IPv6 is IPv4). */
export interface Address {
  family: 4 | 6;
  value: bigint;
}

function parseIpv4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let v = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    v = (v << 8n) | BigInt(p);
  }
  return v;
}

function parseIpv6(s: string): bigint | null {
  const zoneless = s.replace(/%[\w.-]+$/, '');
  let groups: string[] = [];
  let tail: bigint | null = null;
  let text = zoneless;
  // an embedded IPv4 in the last 32 bits (::ffff:192.0.2.1)
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    tail = parseIpv4(v4[1]!);
    if (tail === null) return null;
    text = `${text.slice(0, v4.index)}:0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    groups = [...head, ...Array<string>(missing).fill('0'), ...rest];
  } else groups = head;
  if (groups.length !== 8) return null;
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return tail === null ? v : (v & ~0xffffffffn) | tail;
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

/** Parses an IPv4 or IPv6 address; an IPv4-mapped IPv6 (`::ffff:a.b.c.d`) becomes IPv4. */
export function parseAddress(text: string): Address | null {
  const s = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (s.includes(':')) {
    const v = parseIpv6(s);
    if (v === null) return null;
    if (v >> 32n === V4_MAPPED_PREFIX >> 32n) return { family: 4, value: v & 0xffffffffn };
    return { family: 6, value: v };
  }
  const v = parseIpv4(s);
  return v === null ? null : { family: 4, value: v };
}

/**
 * The canonical text of an address, so that one client is one origin however a proxy spells it:
 * dotted IPv4 (also for an IPv4-mapped IPv6), else IPv6 as RFC 5952 writes it.
 */
export function canonicalAddress(text: string): string | null {
  const a = parseAddress(text);
  if (!a) return null;
  if (a.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((a.value >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((a.value >> BigInt(112 - 16 * i)) & 0xffffn));
  // the longest run of two or more zero groups becomes "::" (the first, on a tie)
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

export interface Network {
  family: 4 | 6;
  base: bigint;
  bits: number;
}

/** Parses an address or a CIDR block (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`); null when invalid. */
export function parseNetwork(entry: string): Network | null {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(entry.trim());
  if (!m) return null;
  const addr = parseAddress(m[1]!);
  if (!addr) return null;
  const width = addr.family === 4 ? 32 : 128;
  let bits = m[2] === undefined ? width : Number(m[2]);
  // `::ffff:10.0.0.0/104` names the IPv4 block 10.0.0.0/8
  if (addr.family === 4 && m[1]!.includes(':') && m[2] !== undefined) bits -= 96;
  if (bits < 0 || bits > width) return null;
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
  return { family: addr.family, base: addr.value & mask, bits };
}

/** Whether `address` lies inside `network` (same family; IPv4-mapped IPv6 counts as IPv4). */
export function inNetwork(address: Address, network: Network): boolean {
  if (network.family !== address.family) return false;
  const width = address.family === 4 ? 32 : 128;
  const mask = network.bits === 0 ? 0n : ((1n << BigInt(network.bits)) - 1n) << BigInt(width - network.bits);
  return (address.value & mask) === network.base;
}
