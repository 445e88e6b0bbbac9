/** @jsxImportSource hono/jsx */
import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import type { RefusalsView } from '../data/index.ts';
import { dataHora, Layout } from '../layout.tsx';
import { Campo } from './search.tsx';

type Detalhes = Record<string, unknown>;
const texto = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * The facts kept with a refusal (services/monitoring/refusals.ts): for a `0047` the ordem, the
 * component and both hashes; for a `0044` the IDT already open, linked; otherwise each fact.
 * Every value is text (hono/jsx escapes it).
 */
function Detalhes(props: { codigo: string; d: Detalhes }) {
  const d = props.d;
  if (props.codigo === 'document_hash_mismatch')
    return (
      <ul>
        <li>{`documento de ordem ${texto(d.ordem)}, componente ${texto(d.componente)}${d.protocolo ? ` (protocolo ${texto(d.protocolo)})` : ''}`}</li>
        <li>
          hash registrado: <code>{texto(d.hashRegistrado)}</code>
        </li>
        <li>
          hash recebido: <code>{texto(d.hashRecebido)}</code>
        </li>
        {typeof d.idtDoRegistro === 'number' ? (
          <li>
            registrado pelo IDT <a href={`/monitor/tramites/${d.idtDoRegistro}`}>{d.idtDoRegistro}</a>
          </li>
        ) : null}
      </ul>
    );
  if (props.codigo === 'tramite_already_open')
    return typeof d.idtAberto === 'number' ? (
      <p>
        trâmite já aberto para o NRE: IDT <a href={`/monitor/tramites/${d.idtAberto}`}>{d.idtAberto}</a>
        {d.situacaoDoAberto !== null && d.situacaoDoAberto !== undefined ? ` (situação ${texto(d.situacaoDoAberto)})` : ''}
      </p>
    ) : (
      <p>trâmite já aberto para o NRE</p>
    );
  const entries = Object.entries(d);
  if (entries.length === 0) return <>—</>;
  return (
    <ul>
      {entries.map(([k, v]) =>
        k === 'problemas' && Array.isArray(v) ? (
          (v as { caminho?: unknown; problema?: unknown }[]).map((p) => <li>{`${texto(p.caminho)}: ${texto(p.problema)}`}</li>)
        ) : (
          <li>{`${k}: ${texto(v)}`}</li>
        ),
      )}
    </ul>
  );
}

export function RefusalsPage(props: { view: RefusalsView; who: AdminPrincipal; csrf: string }) {
  const v = props.view;
  const f = v.form;
  const next = v.proximo ? `/monitor/recusas?${new URLSearchParams({ ...f, cursor: v.proximo }).toString()}` : null;
  return (
    <Layout title="Recusas" who={props.who} csrf={props.csrf}>
      <p>
        Pedidos dos sistemas recusados pelo hub, os mais recentes primeiro (guardados por 30 dias). A maioria nunca recebeu IDT: é aqui que
        se explica, por exemplo, um 0047 (hash divergente) ou um 0044 (trâmite já aberto para o NRE).
        {props.who.role === 'participante' ? ' Só os pedidos dos sistemas do seu participante.' : ''}
      </p>
      <form method="get" action="/monitor/recusas" class="filtros" role="search" aria-label="Filtros das recusas">
        <Campo id="sistema" rotulo="Sistema" valor={f.sistema} />
        <Campo id="codigoErro" rotulo="Código de erro" valor={f.codigoErro} dica="p. ex. 0047" />
        <Campo id="NRE" rotulo="NRE" valor={f.NRE} dica="16 dígitos" />
        <Campo id="de" rotulo="De" valor={f.de} dica="AAAA-MM-DD" />
        <Campo id="ate" rotulo="Até" valor={f.ate} dica="AAAA-MM-DD" />
        <div>
          <button type="submit">Filtrar</button>
        </div>
      </form>
      {v.erro ? (
        <p class="erro" role="alert">
          {v.erro}
        </p>
      ) : v.recusas.length === 0 ? (
        <p>Nenhuma recusa encontrada.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Quando</th>
              <th scope="col">Sistema</th>
              <th scope="col">Pedido</th>
              <th scope="col">Código</th>
              <th scope="col">Mensagem</th>
              <th scope="col">Detalhes</th>
            </tr>
          </thead>
          <tbody>
            {v.recusas.map((r) => (
              <tr data-codigo={r.codigoErro}>
                <td>{dataHora(r.em)}</td>
                <td>{r.sistema ?? '(certificado desconhecido)'}</td>
                <td>
                  <code>{`${r.metodo} ${r.rota}`}</code>
                  {r.NRE ? ` — NRE ${r.NRE}` : ''}
                </td>
                <td>{`${r.codigoErro} (HTTP ${r.status})`}</td>
                <td>{r.mensagem}</td>
                <td>
                  <Detalhes codigo={r.codigo} d={r.detalhes as Detalhes} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next ? (
        <p>
          <a href={next} rel="next">
            Próxima página
          </a>
        </p>
      ) : null}
    </Layout>
  );
}
