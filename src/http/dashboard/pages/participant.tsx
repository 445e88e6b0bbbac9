/** @jsxImportSource hono/jsx */
import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import type { ParticipantView } from '../data/index.ts';
import { dataHora, Layout } from '../layout.tsx';
import { TramiteTable } from './search.tsx';

export function ParticipantPage(props: { view: ParticipantView; who: AdminPrincipal; csrf: string }) {
  const { participante: p, sistemas, certificados, numeros, recentes } = props.view;
  return (
    <Layout title={`Participante ${p.sigla}`} who={props.who} csrf={props.csrf}>
      <p>
        {p.nome} — CNPJ {p.cnpj} — situação: {p.status}
      </p>
      <section aria-labelledby="sistemas">
        <h2 id="sistemas">Sistemas</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Sistema</th>
              <th scope="col">Nome</th>
              <th scope="col">Ativo</th>
            </tr>
          </thead>
          <tbody>
            {sistemas.map((s) => (
              <tr>
                <td>{s.id}</td>
                <td>{s.nome}</td>
                <td>{s.ativo ? 'sim' : 'não'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="certificados">
        <h2 id="certificados">Certificados</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Sistema</th>
              <th scope="col">Série</th>
              <th scope="col">Situação</th>
              <th scope="col">Expira em</th>
              <th scope="col">Dias</th>
            </tr>
          </thead>
          <tbody>
            {certificados.map((c) => (
              <tr>
                <td>{c.systemId}</td>
                <td>
                  <code>{c.serial}</code>
                </td>
                <td>{c.status === 'active' ? 'ativo' : 'revogado'}</td>
                <td>{dataHora(c.notAfter)}</td>
                <td class="num">{c.dias}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="numeros">
        <h2 id="numeros">Números</h2>
        {numeros.length === 0 ? (
          <p>Nenhum trâmite recente.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Situação</th>
                <th scope="col">Trâmites</th>
              </tr>
            </thead>
            <tbody>
              {numeros.map((n) => (
                <tr>
                  <td>{`${n.situacao} — ${n.nome}`}</td>
                  <td class="num">{n.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="recentes">
        <h2 id="recentes">Trâmites recentes</h2>
        {recentes.length === 0 ? <p>Nenhum trâmite recente.</p> : <TramiteTable tramites={recentes} />}
      </section>
    </Layout>
  );
}
