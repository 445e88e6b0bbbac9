/** @jsxImportSource hono/jsx */
import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { situacaoNome, type Situacao } from '../../../domain/situacao.ts';
import type { TramiteItem } from '../../../services/monitoring/index.ts';
import type { SearchView } from '../data/index.ts';
import { dataHora, Layout } from '../layout.tsx';

/** A party as monitors read it: its system, its participant when known, and its unit. */
const parte = (p: TramiteItem['remetente']) => `${p.sistema}${p.participante ? ` (${p.participante})` : ''} — estrutura ${p.repositorio}/${p.estrutura}`;

export function TramiteTable(props: { tramites: TramiteItem[] }) {
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
              <a href={`/monitor/tramites/${t.IDT}`}>{t.IDT}</a>
            </td>
            <td>{t.NRE}</td>
            <td>{t.protocolo}</td>
            <td>{`${t.situacao} — ${t.situacaoNome}`}</td>
            <td>{parte(t.remetente)}</td>
            <td>{parte(t.destinatario)}</td>
            <td>{dataHora(t.ultimaMudancaEm)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A labelled text field of a filter form. */
export function Campo(props: { id: string; rotulo: string; valor: string | undefined; tipo?: string; dica?: string }) {
  return (
    <div>
      <label for={props.id}>{props.rotulo}</label>
      <input id={props.id} name={props.id} type={props.tipo ?? 'text'} value={props.valor ?? ''} {...(props.dica ? { placeholder: props.dica } : {})} />
    </div>
  );
}

export function SearchPage(props: { view: SearchView; who: AdminPrincipal; csrf: string }) {
  const v = props.view;
  const f = v.form;
  const next = v.proximo ? `/monitor/busca?${new URLSearchParams({ ...f, cursor: v.proximo }).toString()}` : null;
  return (
    <Layout title="Busca de trâmites" who={props.who} csrf={props.csrf}>
      <form method="get" action="/monitor/busca" class="filtros" role="search" aria-label="Filtros da busca">
        <Campo id="IDT" rotulo="IDT" valor={f.IDT} />
        <Campo id="NRE" rotulo="NRE" valor={f.NRE} dica="16 dígitos" />
        <Campo id="protocolo" rotulo="Protocolo" valor={f.protocolo} />
        <Campo id="participante" rotulo="Participante (identificador ou CNPJ)" valor={f.participante} />
        <div>
          <label for="situacao">Situação</label>
          <select id="situacao" name="situacao">
            <option value="">qualquer</option>
            {(Object.keys(situacaoNome).map(Number) as Situacao[]).map((s) => (
              <option value={String(s)} selected={f.situacao === String(s)}>{`${s} — ${situacaoNome[s]}`}</option>
            ))}
          </select>
        </div>
        <Campo id="de" rotulo="Iniciado de" valor={f.de} dica="AAAA-MM-DD" />
        <Campo id="ate" rotulo="Iniciado até" valor={f.ate} dica="AAAA-MM-DD" />
        <div>
          <button type="submit">Buscar</button>
        </div>
      </form>
      {v.erro ? (
        <p class="erro" role="alert">
          {v.erro}
        </p>
      ) : null}
      {v.buscou && !v.erro ? (
        <section aria-labelledby="resultado">
          <h2 id="resultado">Resultado</h2>
          {v.tramites.length === 0 ? (
            <p>Nenhum trâmite encontrado.</p>
          ) : (
            <>
              <p>
                {v.tramites.length === 1 ? '1 trâmite encontrado' : `${v.tramites.length} trâmites encontrados`}
                {next ? ' nesta página (os mais recentes primeiro).' : '.'}
              </p>
              <TramiteTable tramites={v.tramites} />
            </>
          )}
          {next ? (
            <p>
              <a href={next} rel="next">
                Próxima página
              </a>
            </p>
          ) : null}
        </section>
      ) : null}
    </Layout>
  );
}
