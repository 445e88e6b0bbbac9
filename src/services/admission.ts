import { EloError } from '../domain/errors.ts';
import type { ServiceDeps } from './deps.ts';

/**
 * How much of the hub one system may hold at once (security test, finding 9). SEI works its
 * pendências with up to 20 workers (spec §9.1), an upload opens a second connection while the
 * first is open (spec §9.3), and its interactive users send processes synchronously: the
 * default of 100 concurrent requests leaves room for all of that, and still keeps one partner
 * from taking every connection of a hub shared by a whole federation.
 */
export function admissionService(deps: Pick<ServiceDeps, 'settings' | 'log'>) {
  const requests = new Map<string, number>();
  const longPolls = new Map<string, number>();

  /** Takes a slot of `key` or throws; the returned release gives it back once, however often called. */
  function take(held: Map<string, number>, key: string, max: number, refuse: () => EloError): () => void {
    const now = held.get(key) ?? 0;
    if (now >= max) {
      const error = refuse();
      deps.log({ level: 'warn', event: 'limite_de_concorrencia', data: { sistema: key, limite: max, codigo: error.code } });
      throw error;
    }
    held.set(key, now + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (held.get(key) ?? 1) - 1;
      if (left <= 0) held.delete(key);
      else held.set(key, left);
    };
  }

  return {
    /** A Tramita request of `systemId`, held while its handler runs. */
    enterRequest(systemId: string): () => void {
      const max = deps.settings.maxRequestsPerSystem;
      return take(requests, systemId, max, () =>
        new EloError(
          'too_many_requests',
          `O sistema "${systemId}" já tem ${max} requisições em andamento neste hub, o limite por sistema. Aguarde a conclusão das anteriores e tente novamente; se o volume for legítimo, peça à administração do hub para aumentar ELO_MAX_REQUESTS_PER_SYSTEM.`,
          { systemId, limit: max },
        ),
      );
    },
    /** A held long-poll pendências request (spec §2.15) of `systemId`. */
    enterLongPoll(systemId: string): () => void {
      const max = deps.settings.maxLongPollsPerSystem;
      return take(longPolls, systemId, max, () =>
        new EloError(
          'too_many_requests',
          `O sistema "${systemId}" já mantém ${max} consultas de pendências por espera longa abertas neste hub, o limite por sistema. Encerre as consultas anteriores (um agendador de pendências por instalação basta) e tente novamente.`,
          { systemId, limit: max },
        ),
      );
    },
    /** Requests and long-polls in progress for a system (for monitors and tests). */
    inProgress(systemId: string): { requests: number; longPolls: number } {
      return { requests: requests.get(systemId) ?? 0, longPolls: longPolls.get(systemId) ?? 0 };
    },
  };
}

export type AdmissionService = ReturnType<typeof admissionService>;
