/**
 * Path as routed: runs of `/` collapse to one (spec §1.3: SEI requests `…/rest/v3//healthcheck`)
 * and a trailing `/` is dropped (third-party clients call `tramites/?IDT=…`).
 */
export function routedPath(request: Request): string {
  const { pathname } = new URL(request.url);
  const collapsed = pathname.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}
