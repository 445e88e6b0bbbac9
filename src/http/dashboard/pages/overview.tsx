/** @jsxImportSource hono/jsx */
import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { situacaoNome } from '../../../domain/situacao.ts';
import type { OverviewView, ThroughputBucket } from '../data/index.ts';
import { dataHora, duracao, Layout } from '../layout.tsx';

/**
 * Throughput as a server-rendered SVG bar chart (no script): started and concluded trâmites per
 * day. Its numbers are also in the table after it, for screen readers and for copying.
 */
export function ThroughputChart(props: { buckets: ThroughputBucket[] }) {
  const W = 720;
  const H = 220;
  const pad = { l: 40, r: 10, t: 10, b: 40 };
  const max = Math.max(1, ...props.buckets.flatMap((b) => [b.iniciados, b.concluidos]));
  const slot = (W - pad.l - pad.r) / Math.max(1, props.buckets.length);
  const bar = Math.max(2, slot / 2 - 2);
  const y = (v: number) => H - pad.b - ((H - pad.t - pad.b) * v) / max;
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-labelledby="grafico-titulo">
      <title id="grafico-titulo">Trâmites iniciados e concluídos por dia, últimos {props.buckets.length} dias</title>
      <line x1={pad.l} y1={H - pad.b} x2={W - pad.r} y2={H - pad.b} stroke="#1b1b1b" />
      <text x={pad.l - 6} y={y(max) + 4} text-anchor="end" font-size="11" fill="#1b1b1b">
        {max}
      </text>
      <text x={pad.l - 6} y={H - pad.b + 4} text-anchor="end" font-size="11" fill="#1b1b1b">
        0
      </text>
      {props.buckets.map((b, i) => {
        const x = pad.l + i * slot + 2;
        return (
          <g>
            <rect x={x} y={y(b.iniciados)} width={bar} height={H - pad.b - y(b.iniciados)} fill="#0b4f9c" />
            <rect x={x + bar + 1} y={y(b.concluidos)} width={bar} height={H - pad.b - y(b.concluidos)} fill="#1b5e20" />
            <text x={x + bar} y={H - pad.b + 14} text-anchor="middle" font-size="10" fill="#1b1b1b">
              {`${b.dia.slice(8, 10)}/${b.dia.slice(5, 7)}`}
            </text>
          </g>
        );
      })}
      <rect x={pad.l} y={H - 14} width="10" height="10" fill="#0b4f9c" />
      <text x={pad.l + 14} y={H - 5} font-size="11" fill="#1b1b1b">
        iniciados
      </text>
      <rect x={pad.l + 90} y={H - 14} width="10" height="10" fill="#1b5e20" />
      <text x={pad.l + 104} y={H - 5} font-size="11" fill="#1b1b1b">
        concluídos
      </text>
    </svg>
  );
}

/** Who must act, with the system when it is one (services/monitoring/who-acts.ts). */
export function quem(s: { quemDeveAgir: string; sistema: string | null }): string {
  return s.sistema ? `${s.quemDeveAgir} (${s.sistema})` : s.quemDeveAgir;
}

/** The time left before the hub cancels it for inactivity (spec §5.4), in words. */
export function cancelamento(s: { cancelamentoAutomaticoEm: string | null; minutosAteCancelamentoAutomatico: number | null }): string {
  if (s.cancelamentoAutomaticoEm === null || s.minutosAteCancelamentoAutomatico === null) return 'não se aplica a esta situação';
  if (s.minutosAteCancelamentoAutomatico === 0) return `vencido ou a vencer em menos de 1 min (${dataHora(s.cancelamentoAutomaticoEm)})`;
  return `em ${duracao(s.minutosAteCancelamentoAutomatico * 60_000)} (${dataHora(s.cancelamentoAutomaticoEm)})`;
}

export function OverviewPage(props: { view: OverviewView; who: AdminPrincipal; csrf: string }) {
  const v = props.view;
  return (
    <Layout title="Visão geral" who={props.who} csrf={props.csrf}>
      <section aria-labelledby="situacoes">
        <h2 id="situacoes">Trâmites por situação</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Situação</th>
              <th scope="col">Descrição</th>
              <th scope="col">Trâmites</th>
            </tr>
          </thead>
          <tbody>
            {v.counts.map((c) => (
              <tr>
                <td class="num">{c.situacao}</td>
                <td>{c.nome}</td>
                <td class="num" data-situacao={String(c.situacao)}>
                  {c.total}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="parados">
        <h2 id="parados">Trâmites parados</h2>
        <p>Abertos há mais tempo que o limite da sua situação (configurável em ELO_MONITOR_STUCK_MINUTES), os mais antigos primeiro.</p>
        {v.stuck.length === 0 ? (
          <p>Nenhum trâmite parado.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">IDT</th>
                <th scope="col">Protocolo</th>
                <th scope="col">Situação</th>
                <th scope="col">Parado há</th>
                <th scope="col">Quem deve agir</th>
                <th scope="col">Chamada esperada</th>
                <th scope="col">Cancelamento automático</th>
              </tr>
            </thead>
            <tbody>
              {v.stuck.map((s) => (
                <tr>
                  <td>
                    <a href={`/monitor/tramites/${s.idt}`}>{s.idt}</a>
                  </td>
                  <td>{s.protocolo}</td>
                  <td>{`${s.situacao} — ${situacaoNome[s.situacao]}`}</td>
                  <td>
                    {duracao(s.minutosNaSituacao * 60_000)} (desde {dataHora(s.paradoDesde)}; limite {duracao(s.limiteMinutos * 60_000)})
                  </td>
                  <td>
                    {quem(s)}
                    {s.motivo ? ` — ${s.motivo}` : ''}
                  </td>
                  <td>
                    <code>{s.chamadaEsperada}</code>
                  </td>
                  <td>{cancelamento(s)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="vazao">
        <h2 id="vazao">Vazão</h2>
        <figure>
          <ThroughputChart buckets={v.throughput} />
          <figcaption>Trâmites iniciados (azul) e concluídos (verde) por dia.</figcaption>
        </figure>
        {v.vazaoTruncada ? <p class="aviso">O período tem mais mudanças de situação do que o painel lê: a vazão está incompleta.</p> : null}
        <table>
          <caption>Vazão por dia</caption>
          <thead>
            <tr>
              <th scope="col">Dia</th>
              <th scope="col">Iniciados</th>
              <th scope="col">Concluídos</th>
              <th scope="col">Recusados</th>
              <th scope="col">Cancelados</th>
            </tr>
          </thead>
          <tbody>
            {v.throughput.map((b) => (
              <tr>
                <td>{`${b.dia.slice(8, 10)}/${b.dia.slice(5, 7)}/${b.dia.slice(0, 4)}`}</td>
                <td class="num">{b.iniciados}</td>
                <td class="num">{b.concluidos}</td>
                <td class="num">{b.recusados}</td>
                <td class="num">{b.cancelados}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="certificados">
        <h2 id="certificados">Certificados a expirar</h2>
        {v.expiring.length === 0 ? (
          <p>Nenhum certificado expira nos próximos 30 dias.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Sistema</th>
                <th scope="col">Série</th>
                <th scope="col">Expira em</th>
                <th scope="col">Dias</th>
              </tr>
            </thead>
            <tbody>
              {v.expiring.map((c) => (
                <tr>
                  <td>{c.systemId}</td>
                  <td>
                    <code>{c.serial}</code>
                  </td>
                  <td>{dataHora(c.notAfter)}</td>
                  <td class="num">{c.dias}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}
