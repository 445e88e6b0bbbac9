import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, normaliseStructureId, optionalInt, validationError } from '../../wire.ts';

/** `GET tramites` (spec §2.17, §3.7): newest first, only trâmites of the caller. */
export function registerGetTramites(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/tramites', async (c) => {
    const q = (k: string) => c.req.query(k) || undefined;
    const structure = (k: string) => {
      const v = q(k);
      if (v === undefined) return undefined;
      const n = normaliseStructureId(v);
      if (!n) throw validationError(k, 'deve ser uma sequência de dígitos');
      return n;
    };
    const nre = q('NRE');
    if (nre !== undefined && !/^\d{16}$/.test(nre)) throw validationError('NRE', 'deve ter 16 dígitos');
    const views = await deps.services.query.query(c.get('caller'), {
      idt: optionalInt(q('IDT'), 'IDT'),
      nre,
      protocolo: q('protocolo'),
      remetente: {
        repositoryId: optionalInt(q('remetente[identificacaoDoRepositorioDeEstruturas]'), 'remetente.identificacaoDoRepositorioDeEstruturas'),
        numero: structure('remetente[numeroDeIdentificacaoDaEstrutura]'),
      },
      destinatario: {
        repositoryId: optionalInt(q('destinatario[identificacaoDoRepositorioDeEstruturas]'), 'destinatario.identificacaoDoRepositorioDeEstruturas'),
        numero: structure('destinatario[numeroDeIdentificacaoDaEstrutura]'),
      },
    });
    const unit = (u: { repositoryId: number; numero: string }) => ({
      identificacaoDoRepositorioDeEstruturas: u.repositoryId,
      numeroDeIdentificacaoDaEstrutura: u.numero,
    });
    return json({
      tramites: views.map(({ tramite: t, history, components }) => ({
        IDT: t.idt,
        NRE: t.nre,
        protocolo: t.protocolo,
        situacaoAtual: t.situacao,
        remetente: unit(t.remetente),
        destinatario: unit(t.destinatario),
        ...(t.receptora ? { unidadeReceptora: unit(t.receptora) } : {}),
        hashDosComponentesPendentesDeRecebimento: components
          .filter((x) => x.pendingForReceiver)
          .flatMap((x) => Array<string>(x.occurrences).fill(x.hash)),
        mudancasDeSituacao: history.map((h) => ({ situacao: h.situacao, dataHora: h.at })),
        ...(t.refusal ? { justificativaDaRecusa: t.refusal.justificativa, motivoDaRecusa: t.refusal.motivo } : {}),
        dataHoraDeRegistroDoTramite: t.createdAt,
      })),
    });
  });
}
