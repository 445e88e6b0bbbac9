/** @jsxImportSource hono/jsx */
import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { situacaoNome } from '../../../domain/situacao.ts';
import type { TramiteRecord } from '../../../domain/tramite.ts';
import type { SearchView } from '../data/index.ts';
import { dataHora, Layout } from '../layout.tsx';

export function TramiteTable(props: { tramites: TramiteRecord[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">IDT</th>
          <th scope="col">NRE</th>
          <th scope="col">Protocolo</th>
          <th scope="col">Situação</th>
          <th scope="col">Remetente</th>
          <th scope="col">Destinatário</th>
          <th scope="col">Última mudança</th>
        </tr>
      </thead>
      <tbody>
        {props.tramites.map((t) => (
          <tr>
            <td>
              <a href={`/monitor/tramites/${t.idt}`}>{t.idt}</a>
            </td>
            <td>{t.nre}</td>
            <td>{t.protocolo}</td>
            <td>{`${t.situacao} — ${situacaoNome[t.situacao]}`}</td>
            <td>{t.senderSystemId}</td>
            <td>{t.receiverSystemId}</td>
            <td>{dataHora(t.lastTransitionAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SearchPage(props: { view: SearchView | null; who: AdminPrincipal; csrf: string }) {
  const v = props.view;
  return (
    <Layout title="Busca de trâmites" who={props.who} csrf={props.csrf}>
      <form method="get" action="/monitor/busca" class="linha" role="search">
        <div>
          <label for="q">IDT, NRE ou protocolo</label>
          <input id="q" name="q" type="search" value={v?.termo ?? ''} />
        </div>
        <button type="submit">Buscar</button>
      </form>
      {v && v.termo ? (
        <section aria-labelledby="resultado">
          <h2 id="resultado">Resultado para “{v.termo}”</h2>
          {v.tramites.length === 0 ? (
            <p>Nenhum trâmite encontrado.</p>
          ) : (
            <>
              <p>{v.tramites.length === 1 ? '1 trâmite encontrado.' : `${v.tramites.length} trâmites encontrados.`}</p>
              <TramiteTable tramites={v.tramites} />
            </>
          )}
          {v.somenteRecentes ? <p>A busca por NRE ou protocolo considera os trâmites mais recentes.</p> : null}
        </section>
      ) : null}
    </Layout>
  );
}
