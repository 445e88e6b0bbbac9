import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { parsePositiveInt } from '../../wire.ts';
import { allow, FEDERATION_READERS } from '../admin/roles.ts';

/**
 * `GET /api/v1/tramites/{IDT}/dossie` (issue 11 item 4; README "Provas"): the trâmite's dossiê,
 * one XML document signed by the hub. Two credentials (ARCHITECTURE "Faces"): the client
 * certificate of the sender or the recipient system — any other system gets the 404 of a missing
 * IDT — or an `admin` or `monitor` bearer token. Registered before the native face's certificate
 * middleware, so it authenticates on its own: a request with an Authorization header is judged
 * by its token alone, any other by its certificate.
 */
export function registerNativeDossie(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/tramites/:idt{[0-9]+}/dossie', async (c) => {
    const idt = parsePositiveInt(c.req.param('idt'), 'IDT');
    const header = c.req.header('authorization');
    let xml: string;
    if (header !== undefined) {
      c.set('principal', await deps.services.identity.authenticateToken(header, deps.peerAddress?.(c) ?? undefined));
      allow(c, FEDERATION_READERS);
      xml = await deps.services.dossie.forOperator(idt);
    } else {
      const caller = await deps.services.identity.authenticate(deps.peerCertificate(c));
      c.set('caller', caller);
      xml = await deps.services.dossie.forSystem(caller, idt);
    }
    return new Response(xml, {
      status: 200,
      headers: {
        'content-type': 'application/xml; charset=utf-8',
        'content-disposition': `attachment; filename="dossie-${idt}.xml"`,
        'cache-control': 'no-store',
      },
    });
  });
}
