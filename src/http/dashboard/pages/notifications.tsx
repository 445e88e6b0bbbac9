/** @jsxImportSource hono/jsx */
import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import type { DeadLetterView } from '../../../services/webhooks.ts';
import { dataHora, Layout } from '../layout.tsx';

/**
 * Webhook notifications given up after every attempt (README "Notificações por webhook"), those
 * of the principal's reach: the dead-letter list, each with its trâmite and, for the federation
 * administrator, the button that sends it again with a fresh retry budget.
 */
export function NotificationsPage(props: { mortas: DeadLetterView[]; who: AdminPrincipal; csrf: string }) {
  const operador = props.who.role === 'admin';
  return (
    <Layout title="Notificações não entregues" who={props.who} csrf={props.csrf}>
      <p>
        Notificações por webhook que não foram entregues depois de todas as tentativas. A consulta de pendências
        (<code>GET tramites/pendentes</code>) continua valendo: o sistema não perde o trâmite, só o aviso.
      </p>
      {props.mortas.length === 0 ? (
        <p>Nenhuma notificação morta.</p>
      ) : (
        <table>
          <caption>Notificações mortas, da mais recente</caption>
          <thead>
            <tr>
              <th scope="col">IDT</th>
              <th scope="col">Sistema</th>
              <th scope="col">Situação</th>
              <th scope="col">Tentativas</th>
              <th scope="col">Última tentativa</th>
              <th scope="col">Erro</th>
              {operador ? <th scope="col">Ação</th> : null}
            </tr>
          </thead>
          <tbody>
            {props.mortas.map((n) => (
              <tr data-notificacao={n.id}>
                <td>
                  <a href={`/monitor/tramites/${n.IDT}`}>{n.IDT}</a>
                </td>
                <td>{n.sistema}</td>
                <td>{n.situacao}</td>
                <td>{n.tentativas}</td>
                <td>{dataHora(n.ultimaTentativaEm ?? n.criadoEm)}</td>
                <td>{n.ultimoErro ?? '—'}</td>
                {operador ? (
                  <td>
                    <form method="post" action={`/monitor/tramites/${n.IDT}/notificacoes/${encodeURIComponent(n.id)}/reenvio`}>
                      <input type="hidden" name="_csrf" value={props.csrf} />
                      <button type="submit" aria-label={`Reenviar a notificação do trâmite ${n.IDT} para ${n.sistema}`}>
                        Reenviar
                      </button>
                    </form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
