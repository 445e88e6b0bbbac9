/**
 * The few DER reads the verifier needs that @peculiar/x509 does not expose: the exact
 * to-be-signed bytes, the signature AlgorithmIdentifier OID (so MD5 is named, not merely
 * "unknown"), the subject public key bits and the (r, s) of an ECDSA signature. Definite
 * lengths only (X.690 §10.1: DER always uses them).
 */
export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
}

export function readTlv(bytes: Uint8Array, offset: number): Tlv | null {
  const tag = bytes[offset];
  let lengthByte = bytes[offset + 1];
  if (tag === undefined || lengthByte === undefined) return null;
  // High tag numbers never occur in the structures read here.
  if ((tag & 0x1f) === 0x1f) return null;
  let cursor = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) return null;
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = bytes[cursor++];
      if (lengthByte === undefined) return null;
      length = length * 256 + lengthByte;
    }
  }
  const end = cursor + length;
  if (end > bytes.length) return null;
  return { tag, start: offset, contentStart: cursor, end };
}

/** The TLVs directly inside a constructed TLV. */
export function childrenOf(bytes: Uint8Array, parent: Tlv): Tlv[] | null {
  const out: Tlv[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = readTlv(bytes, offset);
    if (!child || child.end > parent.end) return null;
    out.push(child);
    offset = child.end;
  }
  return out;
}

export function decodeOid(content: Uint8Array): string {
  const parts: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

/**
 * A signed object (Certificate, CertificateList: RFC 5280 §4.1 and §5.1) split into the bytes
 * covered by the signature, the outer signature algorithm OID and the signature value.
 */
export interface SignedParts {
  tbs: Uint8Array;
  signatureOid: string;
  signature: Uint8Array;
}

export function splitSigned(der: Uint8Array): SignedParts | null {
  const outer = readTlv(der, 0);
  if (!outer || outer.tag !== 0x30) return null;
  const parts = childrenOf(der, outer);
  if (!parts || parts.length !== 3) return null;
  const [tbs, algorithm, value] = parts as [Tlv, Tlv, Tlv];
  if (tbs.tag !== 0x30 || algorithm.tag !== 0x30 || value.tag !== 0x03) return null;
  const algorithmParts = childrenOf(der, algorithm);
  const oid = algorithmParts?.[0];
  if (!oid || oid.tag !== 0x06) return null;
  // BIT STRING: first content byte counts unused bits, always 0 for signatures.
  return {
    tbs: der.subarray(tbs.start, tbs.end),
    signatureOid: decodeOid(der.subarray(oid.contentStart, oid.end)),
    signature: der.subarray(value.contentStart + 1, value.end),
  };
}

/** The subjectPublicKey BIT STRING content of a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7). */
export function spkiKeyBits(spki: Uint8Array): Uint8Array | null {
  const outer = readTlv(spki, 0);
  if (!outer || outer.tag !== 0x30) return null;
  const parts = childrenOf(spki, outer);
  const bits = parts?.[1];
  if (!bits || bits.tag !== 0x03) return null;
  return spki.subarray(bits.contentStart + 1, bits.end);
}

/** ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 §2.2.3). */
export function ecdsaSignatureValues(signature: Uint8Array): { r: bigint; s: bigint } | null {
  const outer = readTlv(signature, 0);
  if (!outer || outer.tag !== 0x30 || outer.end !== signature.length) return null;
  const parts = childrenOf(signature, outer);
  if (!parts || parts.length !== 2) return null;
  const [r, s] = parts as [Tlv, Tlv];
  if (r.tag !== 0x02 || s.tag !== 0x02) return null;
  return {
    r: bytesToBigInt(signature.subarray(r.contentStart, r.end)),
    s: bytesToBigInt(signature.subarray(s.contentStart, s.end)),
  };
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}
