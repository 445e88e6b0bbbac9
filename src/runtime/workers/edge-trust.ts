import type { X509Crl } from '../../pki/x509.ts';
import { readCertificates, readCrls } from '../../pki/verify/index.ts';
import type { TrustSource } from '../../services/index.ts';
import type { R2Bucket } from '../../store/blobs/r2-types.ts';

/** CRLs are looked for in the bucket at most this often per isolate (a revocation by CRL takes this long to reach every isolate). */
export const CRL_REFRESH_MS = 60_000;
/** Where the operator (or a job of the federation CA) publishes CRLs for the Worker: `wrangler r2 object put elo-componentes/pki/ac.crl --file ac.crl`. */
export const CRL_PREFIX = 'pki/';

/**
 * Trust on Workers: the anchors and intermediates are PEM texts of the Worker's secrets (parsed
 * once per isolate), the CRLs are the objects under `pki/` in the R2 bucket, re-read when their
 * etags change and looked for at most every CRL_REFRESH_MS. The same validator as on Node checks
 * every client certificate against them (services/identity.ts).
 */
export function edgeTrustSource(pems: { anchors: string; intermediates: string }, bucket: R2Bucket, now: () => number = Date.now): TrustSource {
  const parse = (pem: string) => {
    const r = readCertificates(pem);
    return r.ok ? r.value : [];
  };
  const anchors = parse(pems.anchors);
  const intermediates = pems.intermediates ? parse(pems.intermediates) : [];
  let crls: { at: number; etags: string; list: X509Crl[] } | null = null;
  let loading: Promise<X509Crl[]> | null = null;
  async function load(): Promise<X509Crl[]> {
    const listed = await bucket.list({ prefix: CRL_PREFIX });
    const etags = listed.objects.map((o) => `${o.key}@${o.etag}`).join(',');
    // the same array while nothing changed: the validator keys its verdicts on its identity
    if (crls && crls.etags === etags) return ((crls.at = now()), crls.list);
    const list: X509Crl[] = [];
    for (const o of listed.objects) {
      const body = await bucket.get(o.key);
      if (!body) continue;
      const r = readCrls(new Uint8Array(await body.arrayBuffer()));
      if (r.ok) list.push(...r.value);
    }
    crls = { at: now(), etags, list };
    return list;
  }
  return {
    async anchors() {
      return anchors;
    },
    async intermediates() {
      return intermediates;
    },
    async crls() {
      if (crls && now() - crls.at < CRL_REFRESH_MS) return crls.list;
      loading ??= load().finally(() => (loading = null));
      return loading;
    },
    policy() {
      return {};
    },
    crlSoftFail() {
      return false;
    },
  };
}
