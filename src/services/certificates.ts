import type { ServiceDeps } from './deps.ts';

const DAY = 86_400_000;

/**
 * Certificate lifecycle as monitors see it (issue: Trust §5): days to expiry of every
 * registered certificate, and one `certificado.expirando` event per certificate when it enters
 * the warning window, so nobody learns of an expiry from a refused transfer.
 */
export function certificateService(deps: Pick<ServiceDeps, 'store' | 'clock' | 'settings'>) {
  const { registry, audit } = deps.store;
  return {
    async list() {
      const now = deps.clock.now().getTime();
      return (await registry.listCertificates()).map((c) => ({ ...c, diasParaExpirar: Math.floor((new Date(c.notAfter).getTime() - now) / DAY) }));
    },
    async expiryScan(): Promise<number> {
      const now = deps.clock.now();
      const warned = new Set(
        (await audit.list({ kind: 'certificado.expirando', limit: Number.MAX_SAFE_INTEGER })).map((e) => String(e.data?.fingerprint256)),
      );
      let raised = 0;
      for (const c of await registry.listCertificates()) {
        const left = new Date(c.notAfter).getTime() - now.getTime();
        if (c.status !== 'active' || left > deps.settings.certExpiryWarningMs || warned.has(c.fingerprint256)) continue;
        await audit.append(
          {
            kind: 'certificado.expirando',
            actor: 'hub',
            data: { fingerprint256: c.fingerprint256, sistema: c.systemId, serial: c.serial, expiraEm: c.notAfter, dias: Math.floor(left / DAY) },
          },
          now.toISOString(),
        );
        raised++;
      }
      return raised;
    },
  };
}
