import { CAPABILITY_FIELDS, capabilitiesInputSchema, NOT_DECLARED, toCapabilities, type Capabilities, type DeclaredCapabilities } from '../domain/capabilities.ts';
import { validationFailed } from '../domain/tramita/index.ts';
import type { ServiceDeps } from './deps.ts';
import { systemInScope } from './system-scope.ts';

/** A system's declaration as answered: what it declared (nulls: not declared), who wrote it and when. */
export type CapabilitiesView = Capabilities & { sistema: string; declaradoPor: DeclaredCapabilities['declaradoPor'] | null; declaradoEm: string | null; autor: string | null };

/**
 * Capabilities of systems (README "Capacidades dos sistemas"): declared by the system itself on
 * the native face, or set by an administrator (CLI or administration API). The hub reads them in
 * preflight only; a start is never refused because of them (an SEI enforces its own limits).
 */
export function capabilityService(deps: Pick<ServiceDeps, 'store' | 'clock'>) {
  const { registry, capabilities } = deps.store;

  const view = (systemId: string, d: DeclaredCapabilities | null): CapabilitiesView =>
    d
      ? { sistema: systemId, mimeTypesAceitos: d.mimeTypesAceitos, tamanhoMaximoEmBytes: d.tamanhoMaximoEmBytes, envioParcial: d.envioParcial, declaradoPor: d.declaradoPor, declaradoEm: d.at, autor: d.actor }
      : { sistema: systemId, ...NOT_DECLARED, declaradoPor: null, declaradoEm: null, autor: null };

  return {
    /** What the system declared (all null when nothing was). */
    async get(systemId: string, onlyFor?: string | null): Promise<CapabilitiesView> {
      await systemInScope(registry, systemId, onlyFor);
      return view(systemId, await capabilities.getCapabilities(systemId));
    },

    /** What preflight reads: the declaration, or nothing declared. */
    async of(systemId: string): Promise<Capabilities> {
      return (await capabilities.getCapabilities(systemId)) ?? NOT_DECLARED;
    },

    /**
     * Replaces the system's declaration (a field left out is not declared), with an audit event.
     * `by`: the system itself (native face) or an administrator (its label; `onlyFor` its participant).
     */
    async declare(systemId: string, input: unknown, by: { source: 'sistema' | 'administracao'; actor: string; onlyFor?: string | null }): Promise<CapabilitiesView> {
      await systemInScope(registry, systemId, by.onlyFor);
      const parsed = capabilitiesInputSchema.safeParse(input);
      if (!parsed.success)
        throw validationFailed(
          parsed.error.issues.map((i) =>
            i.code === 'unrecognized_keys'
              ? { path: i.keys.join(', '), message: `não é campo de capacidades (os campos são ${CAPABILITY_FIELDS.join(', ')})` }
              : { path: i.path.join('.') || 'corpo', message: i.message },
          ),
        );
      const declared: DeclaredCapabilities = { systemId, ...toCapabilities(parsed.data), declaradoPor: by.source, at: deps.clock.now().toISOString(), actor: by.actor };
      await capabilities.setCapabilities(declared, {
        kind: 'sistema.capacidades',
        actor: by.actor,
        data: { sistema: systemId, declaradoPor: by.source, mimeTypesAceitos: declared.mimeTypesAceitos, tamanhoMaximoEmBytes: declared.tamanhoMaximoEmBytes, envioParcial: declared.envioParcial },
      });
      return view(systemId, declared);
    },
  };
}

export type CapabilityService = ReturnType<typeof capabilityService>;
