/** @jsxImportSource hono/jsx */
import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import type { ParticipantView } from '../data/index.ts';
import { dataHora, duracao, Layout } from '../layout.tsx';

/** A duration in seconds (of the figures), in words; "—" when there is none. */
const segundos = (s: number | null) => (s === null ? '—' : s < 60 ? `${Math.round(s)} s` : duracao(s * 1000));
import { TramiteTable } from './search.tsx';

export function ParticipantPage(props: { view: ParticipantView; who: AdminPrincipal; csrf: string }) {
  const { participante: p, sistemas, certificados, periodo, numeros, pares, recentes } = props.view;
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
        <p>
          Trâmites iniciados de {dataHora(periodo.de)} a {dataHora(periodo.ate)}; pendentes: os abertos agora, de qualquer data.
        </p>
        {numeros === null ? (
          <p>Nenhum trâmite no período e nenhum pendente.</p>
        ) : (
          <table>
            <caption>Números do participante</caption>
            <tbody>
              <tr>
                <th scope="row">Enviados</th>
                <td class="num" data-numero="enviados">{numeros.enviados}</td>
              </tr>
              <tr>
                <th scope="row">Recebidos</th>
                <td class="num" data-numero="recebidos">{numeros.recebidos}</td>
              </tr>
              <tr>
                <th scope="row">Concluídos</th>
                <td class="num" data-numero="concluidos">{numeros.concluidos}</td>
              </tr>
              <tr>
                <th scope="row">Recusados</th>
                <td class="num" data-numero="recusados">{numeros.recusados.total}</td>
              </tr>
              <tr>
                <th scope="row">Cancelados</th>
                <td class="num" data-numero="cancelados">{numeros.cancelados}</td>
              </tr>
              <tr>
                <th scope="row">Cancelados automaticamente</th>
                <td class="num" data-numero="canceladosAutomaticamente">{numeros.canceladosAutomaticamente}</td>
              </tr>
              <tr>
                <th scope="row">Tempo até a conclusão (mediana; p95)</th>
                <td>{`${segundos(numeros.tempoAteConclusao.mediana)}; ${segundos(numeros.tempoAteConclusao.p95)}`}</td>
              </tr>
              <tr>
                <th scope="row">Pendentes agora</th>
                <td class="num" data-numero="pendentes">{numeros.pendentes.total}</td>
              </tr>
              <tr>
                <th scope="row">Pendente mais antigo</th>
                <td>{segundos(numeros.pendentes.idadeDoMaisAntigo)}</td>
              </tr>
            </tbody>
          </table>
        )}
        {pares.length > 0 ? (
          <table>
            <caption>Por par de participantes</caption>
            <thead>
              <tr>
                <th scope="col">Remetente</th>
                <th scope="col">Destinatário</th>
                <th scope="col">Trâmites</th>
                <th scope="col">Concluídos</th>
                <th scope="col">Recusados</th>
                <th scope="col">Cancelados</th>
                <th scope="col">Pendentes agora</th>
              </tr>
            </thead>
            <tbody>
              {pares.map((x) => (
                <tr>
                  <td>{x.remetente}</td>
                  <td>{x.destinatario}</td>
                  <td class="num">{x.enviados}</td>
                  <td class="num">{x.concluidos}</td>
                  <td class="num">{x.recusados.total}</td>
                  <td class="num">{x.cancelados + x.canceladosAutomaticamente}</td>
                  <td class="num">{x.pendentes.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <section aria-labelledby="recentes">
        <h2 id="recentes">Trâmites recentes</h2>
        {recentes.length === 0 ? <p>Nenhum trâmite recente.</p> : <TramiteTable tramites={recentes} />}
      </section>
    </Layout>
  );
}
