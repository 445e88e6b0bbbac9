import { bytesToBigInt } from './der.ts';

/**
 * ECDSA verification on the brainpool curves (RFC 5639), which WebCrypto does not offer and which
 * ICP-Brasil allows. Verification handles only public data, so a plain BigInt implementation
 * (no constant-time concern) is enough. Curve constants are RFC 5639 §3.4, §3.6, §3.7.
 */
interface Curve {
  p: bigint;
  a: bigint;
  b: bigint;
  gx: bigint;
  gy: bigint;
  n: bigint;
  size: number;
}

const curve = (p: string, a: string, b: string, gx: string, gy: string, n: string): Curve => ({
  p: BigInt(`0x${p}`),
  a: BigInt(`0x${a}`),
  b: BigInt(`0x${b}`),
  gx: BigInt(`0x${gx}`),
  gy: BigInt(`0x${gy}`),
  n: BigInt(`0x${n}`),
  size: p.length / 2,
});

export const BRAINPOOL_CURVES: Readonly<Record<string, Curve>> = {
  brainpoolP256r1: curve(
    'a9fb57dba1eea9bc3e660a909d838d726e3bf623d52620282013481d1f6e5377',
    '7d5a0975fc2c3057eef67530417affe7fb8055c126dc5c6ce94a4b44f330b5d9',
    '26dc5c6ce94a4b44f330b5d9bbd77cbf958416295cf7e1ce6bccdc18ff8c07b6',
    '8bd2aeb9cb7e57cb2c4b482ffc81b7afb9de27e1e3bd23c23a4453bd9ace3262',
    '547ef835c3dac4fd97f8461a14611dc9c27745132ded8e545c1d54c72f046997',
    'a9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82974856a7',
  ),
  brainpoolP384r1: curve(
    '8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b412b1da197fb71123acd3a729901d1a71874700133107ec53',
    '7bc382c63d8c150c3c72080ace05afa0c2bea28e4fb22787139165efba91f90f8aa5814a503ad4eb04a8c7dd22ce2826',
    '04a8c7dd22ce28268b39b55416f0447c2fb77de107dcd2a62e880ea53eeb62d57cb4390295dbc9943ab78696fa504c11',
    '1d1c64f068cf45ffa2a63a81b7c13f6b8847a3e77ef14fe3db7fcafe0cbd10e8e826e03436d646aaef87b2e247d4af1e',
    '8abe1d7520f9c2a45cb1eb8e95cfd55262b70b29feec5864e19c054ff99129280e4646217791811142820341263c5315',
    '8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b31f166e6cac0425a7cf3ab6af6b7fc3103b883202e9046565',
  ),
  brainpoolP512r1: curve(
    'aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca703308717d4d9b009bc66842aecda12ae6a380e62881ff2f2d82c68528aa6056583a48f3',
    '7830a3318b603b89e2327145ac234cc594cbdd8d3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94ca',
    '3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94cadc083e67984050b75ebae5dd2809bd638016f723',
    '81aee4bdd82ed9645a21322e9c4c6a9385ed9f70b5d916c1b43b62eef4d0098eff3b1f78e2d0d48d50d1687b93b97d5f7c6d5047406a5e688b352209bcb9f822',
    '7dde385d566332ecc0eabfa9cf7822fdf209f70024a57b1aa000c55b881f8111b2dcde494a5f485e5bca4bd88a2763aed1ca2b2fa8f0540678cd1e0f3ad80892',
    'aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca70330870553e5c414ca92619418661197fac10471db1d381085ddaddb58796829ca90069',
  ),
};

const mod = (x: bigint, m: bigint): bigint => {
  const r = x % m;
  return r < 0n ? r + m : r;
};

function modPow(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n;
  base = mod(base, m);
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % m;
    base = (base * base) % m;
    exponent >>= 1n;
  }
  return result;
}

function modInverse(x: bigint, m: bigint): bigint {
  let [a, b, u, v] = [mod(x, m), m, 1n, 0n];
  while (b !== 0n) {
    const q = a / b;
    [a, b] = [b, a - q * b];
    [u, v] = [v, u - q * v];
  }
  return mod(u, m);
}

/** Jacobian coordinates; z = 0 is the point at infinity. */
type Point = { x: bigint; y: bigint; z: bigint };
const INFINITY: Point = { x: 1n, y: 1n, z: 0n };

function double(c: Curve, P: Point): Point {
  if (P.z === 0n || P.y === 0n) return INFINITY;
  const { p } = c;
  const yy = (P.y * P.y) % p;
  const s = (4n * P.x * yy) % p;
  const zz = (P.z * P.z) % p;
  const m = mod(3n * P.x * P.x + c.a * zz * zz, p);
  const x = mod(m * m - 2n * s, p);
  const y = mod(m * (s - x) - 8n * yy * yy, p);
  const z = (2n * P.y * P.z) % p;
  return { x, y, z };
}

function add(c: Curve, P: Point, Q: Point): Point {
  if (P.z === 0n) return Q;
  if (Q.z === 0n) return P;
  const { p } = c;
  const z1z1 = (P.z * P.z) % p;
  const z2z2 = (Q.z * Q.z) % p;
  const u1 = (P.x * z2z2) % p;
  const u2 = (Q.x * z1z1) % p;
  const s1 = (P.y * Q.z * z2z2) % p;
  const s2 = (Q.y * P.z * z1z1) % p;
  if (u1 === u2) return s1 === s2 ? double(c, P) : INFINITY;
  const h = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  const hh = (h * h) % p;
  const hhh = (h * hh) % p;
  const v = (u1 * hh) % p;
  const x = mod(r * r - hhh - 2n * v, p);
  const y = mod(r * (v - x) - s1 * hhh, p);
  const z = (P.z * Q.z * h) % p;
  return { x, y, z };
}

/** u1·G + u2·Q by interleaved double-and-add (Shamir's trick). */
function twoMultiply(c: Curve, u1: bigint, G: Point, u2: bigint, Q: Point): Point {
  const GQ = add(c, G, Q);
  let R = INFINITY;
  const bits = Math.max(u1.toString(2).length, u2.toString(2).length);
  for (let i = bits - 1; i >= 0; i--) {
    R = double(c, R);
    const b1 = (u1 >> BigInt(i)) & 1n;
    const b2 = (u2 >> BigInt(i)) & 1n;
    if (b1 && b2) R = add(c, R, GQ);
    else if (b1) R = add(c, R, G);
    else if (b2) R = add(c, R, Q);
  }
  return R;
}

/** SEC 1 §2.3.4 point decoding (uncompressed and compressed), with the on-curve check. */
function decodePoint(c: Curve, encoded: Uint8Array): Point | null {
  const prefix = encoded[0];
  if (prefix === 0x04 && encoded.length === 1 + 2 * c.size) {
    const x = bytesToBigInt(encoded.subarray(1, 1 + c.size));
    const y = bytesToBigInt(encoded.subarray(1 + c.size));
    return onCurve(c, x, y) ? { x, y, z: 1n } : null;
  }
  if ((prefix === 0x02 || prefix === 0x03) && encoded.length === 1 + c.size) {
    // All three curves have p ≡ 3 (mod 4), so a square root is a single exponentiation.
    const x = bytesToBigInt(encoded.subarray(1));
    const rhs = mod(x * x * x + c.a * x + c.b, c.p);
    let y = modPow(rhs, (c.p + 1n) / 4n, c.p);
    if ((y * y) % c.p !== rhs) return null;
    if ((y & 1n) !== BigInt(prefix & 1)) y = c.p - y;
    return { x, y, z: 1n };
  }
  return null;
}

function onCurve(c: Curve, x: bigint, y: bigint): boolean {
  if (x >= c.p || y >= c.p) return false;
  return mod(y * y - (x * x * x + c.a * x + c.b), c.p) === 0n;
}

/**
 * SEC 1 §4.1.4 ECDSA verification.
 *
 * @param digest the message hash, already computed (WebCrypto)
 * @param publicPoint the subjectPublicKey octets (SEC 1 point encoding)
 */
export function verifyBrainpoolEcdsa(
  curveName: string,
  digest: Uint8Array,
  signature: { r: bigint; s: bigint },
  publicPoint: Uint8Array,
): boolean {
  if (!Object.hasOwn(BRAINPOOL_CURVES, curveName)) return false;
  const c = BRAINPOOL_CURVES[curveName]!;
  const { r, s } = signature;
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  const Q = decodePoint(c, publicPoint);
  if (!Q) return false;
  const nBits = c.n.toString(2).length;
  let e = bytesToBigInt(digest);
  const excess = digest.length * 8 - nBits;
  if (excess > 0) e >>= BigInt(excess);
  const w = modInverse(s, c.n);
  const u1 = mod(e * w, c.n);
  const u2 = mod(r * w, c.n);
  const X = twoMultiply(c, u1, { x: c.gx, y: c.gy, z: 1n }, u2, Q);
  if (X.z === 0n) return false;
  const zInverse = modInverse(X.z, c.p);
  const x = (X.x * zInverse * zInverse) % c.p;
  return mod(x, c.n) === r;
}
