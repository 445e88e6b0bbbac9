/** @jsxImportSource hono/jsx */
import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { OPEN_SITUACOES, situacaoNome } from '../../../domain/situacao.ts';
import { reduceForSigilo, type TramiteView } from '../data/index.ts';
import { dataHora, Layout } from '../layout.tsx';
import { cancelamento, quem } from './overview.tsx';

function Hashes(props: { hashes: readonly string[] }) {
  if (props.hashes.length === 0) return <>—</>;
  return (
    <ul>
      {props.hashes.map((h) => (
        <li>
          <code>{h}</code>
        </li>
      ))}
    </ul>
  );
}

const SIGILO: Record<1 | 2 | 3, string> = { 1: 'público', 2: 'restrito', 3: 'sigiloso' };

/** What an audit event means, in words (the kind stays visible for operators). */
const EVENTO: Record<string, string> = {
  'tramite.iniciado': 'Trâmite iniciado pelo remetente',
  'tramite.componentes_completos': 'Arquivos digitais completos no hub (recibo de envio)',
  'tramite.metadados_recebidos': 'Metadados baixados pelo destinatário',
  'tramite.componentes_entregues': 'Arquivos digitais baixados pelo destinatário',
  'tramite.recibo_conclusao': 'Recibo de conclusão enviado pelo destinatário',
  'tramite.recibo_entregue': 'Recibo de conclusão recebido pelo remetente',
  'tramite.recusado': 'Recusado pelo destinatário',
  'tramite.ciencia': 'Ciência da recusa dada pelo remetente',
  'tramite.cancelado': 'Cancelado',
  'tramite.cancelado_automaticamente': 'Cancelado automaticamente por inatividade',
  'tramite.alerta_cancelamento_automatico': 'Alerta: será cancelado automaticamente',
  'recibo.rejeitado': 'Recibo de conclusão rejeitado',
  'recibo.data_divergente': 'Recibo com data divergente aceito',
};

export function TramitePage(props: { view: TramiteView; who: AdminPrincipal; csrf: string; aviso?: string | null; erro?: string | null }) {
  const { tramite: t, history, components, events, proximaAcao: acao, recibos, notificacoesMortas } = props.view;
  const conteudo = reduceForSigilo(props.view.conteudo);
  const operador = props.who.role === 'admin';
  return (
    <Layout title={`Trâmite ${t.idt}`} who={props.who} csrf={props.csrf}>
      {props.aviso ? (
        <p class="ok" role="status">
          {props.aviso}
        </p>
      ) : null}
      {props.erro ? (
        <p class="erro" role="alert">
          {props.erro}
        </p>
      ) : null}
      <table>
        <caption>Dados do trâmite</caption>
        <tbody>
          <tr>
            <th scope="row">Situação</th>
            <td>{`${t.situacao} — ${situacaoNome[t.situacao]}`}</td>
          </tr>
          <tr>
            <th scope="row">Quem deve agir</th>
            <td>{acao ? `${quem(acao)}${acao.motivo ? ` — ${acao.motivo}` : ''}` : 'ninguém (trâmite encerrado)'}</td>
          </tr>
          {acao ? (
            <tr>
              <th scope="row">Próxima ação</th>
              <td>
                <code>{acao.chamadaEsperada}</code>
              </td>
            </tr>
          ) : null}
          {acao ? (
            <tr>
              <th scope="row">Cancelamento automático</th>
              <td>{cancelamento(acao)}</td>
            </tr>
          ) : null}
          <tr>
            <th scope="row">NRE</th>
            <td>{t.nre}</td>
          </tr>
          <tr>
            <th scope="row">Protocolo</th>
            <td>{t.protocolo}</td>
          </tr>
          <tr>
            <th scope="row">Tipo</th>
            <td>{t.kind}</td>
          </tr>
          <tr>
            <th scope="row">Remetente</th>
            <td>{`${t.senderSystemId} (estrutura ${t.remetente.repositoryId}/${t.remetente.numero})`}</td>
          </tr>
          <tr>
            <th scope="row">Destinatário</th>
            <td>{`${t.receiverSystemId} (estrutura ${t.destinatario.repositoryId}/${t.destinatario.numero})`}</td>
          </tr>
          <tr>
            <th scope="row">Urgente</th>
            <td>{t.urgente ? 'sim' : 'não'}</td>
          </tr>
          <tr>
            <th scope="row">Nível de sigilo</th>
            <td>{conteudo ? `${conteudo.nivelDeSigilo} — ${SIGILO[conteudo.nivelDeSigilo]}` : 'não informado'}</td>
          </tr>
          {t.refusal ? (
            <tr>
              <th scope="row">Recusa</th>
              <td>{`motivo ${t.refusal.motivo}: ${t.refusal.justificativa} (${dataHora(t.refusal.at)})`}</td>
            </tr>
          ) : null}
        </tbody>
      </table>

      {conteudo && conteudo.nivelDeSigilo > 1 ? (
        <p class="aviso">Trâmite {SIGILO[conteudo.nivelDeSigilo]}: interessados e descrições dos documentos não são exibidos no painel.</p>
      ) : null}
      {conteudo && conteudo.nivelDeSigilo === 1 ? (
        <section aria-labelledby="conteudo-titulo">
          <h2 id="conteudo-titulo">Conteúdo</h2>
          <p>Interessados: {conteudo.interessados.join('; ') || '—'}</p>
          <ul>
            {conteudo.documentos.map((d) => (
              <li>{`Documento ${d.ordem}: ${d.descricao}${d.nomes.length ? ` (${d.nomes.join(', ')})` : ''}`}</li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="linha-do-tempo">
        <h2 id="linha-do-tempo">Linha do tempo</h2>
        <table>
          <caption>Mudanças de situação</caption>
          <thead>
            <tr>
              <th scope="col">Quando</th>
              <th scope="col">Situação</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr>
                <td>{dataHora(h.at)}</td>
                <td>{`${h.situacao} — ${situacaoNome[h.situacao]}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table>
          <caption>Eventos e recibos</caption>
          <thead>
            <tr>
              <th scope="col">Quando</th>
              <th scope="col">Evento</th>
              <th scope="col">Quem</th>
            </tr>
          </thead>
          <tbody>
            {events
              .filter((e) => !e.kind.startsWith('painel.'))
              .map((e) => (
                <tr>
                  <td>{dataHora(e.at)}</td>
                  <td>
                    {EVENTO[e.kind] ?? e.kind}
                    {typeof e.data?.motivo === 'string' ? ` — motivo: ${e.data.motivo}` : ''}
                  </td>
                  <td>{e.actor}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="recibos">
        <h2 id="recibos">Recibos</h2>
        <table>
          <caption>Recibo de envio (todos os componentes no hub)</caption>
          <tbody>
            {recibos.envio ? (
              <>
                <tr>
                  <th scope="row">Último componente recebido em</th>
                  <td>{dataHora(recibos.envio.data)}</td>
                </tr>
                <tr>
                  <th scope="row">Hashes dos componentes</th>
                  <td>
                    <Hashes hashes={recibos.envio.hashes} />
                  </td>
                </tr>
                <tr>
                  <th scope="row">Hash da assinatura</th>
                  <td>
                    <code>{recibos.envio.hashDaAssinatura || '—'}</code>
                  </td>
                </tr>
              </>
            ) : (
              <tr>
                <th scope="row">Emitido</th>
                <td>ainda não</td>
              </tr>
            )}
          </tbody>
        </table>
        <table>
          <caption>Recibo de conclusão (enviado pelo destinatário)</caption>
          <tbody>
            {recibos.conclusao ? (
              <>
                <tr>
                  <th scope="row">Data de recebimento (informada)</th>
                  <td>{dataHora(recibos.conclusao.dataDeRecebimento)}</td>
                </tr>
                <tr>
                  <th scope="row">Recebido pelo hub em</th>
                  <td>{dataHora(recibos.conclusao.recebidoEm)}</td>
                </tr>
                <tr>
                  <th scope="row">Hashes dos componentes</th>
                  <td>
                    <Hashes hashes={recibos.conclusao.hashes} />
                  </td>
                </tr>
                <tr>
                  <th scope="row">Hash da assinatura</th>
                  <td>
                    <code>{recibos.conclusao.hashDaAssinatura || '—'}</code>
                  </td>
                </tr>
              </>
            ) : (
              <tr>
                <th scope="row">Recebido</th>
                <td>ainda não</td>
              </tr>
            )}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="componentes">
        <h2 id="componentes">Componentes digitais</h2>
        {components.length === 0 ? (
          <p>Nenhum componente digital.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Hash (SHA-256)</th>
                <th scope="col">Tamanho (bytes)</th>
                <th scope="col">Recebido pelo hub</th>
                <th scope="col">Entregue ao destinatário</th>
              </tr>
            </thead>
            <tbody>
              {components.map((c) => (
                <tr>
                  <td>
                    <code>{c.hash}</code>
                  </td>
                  <td class="num">{c.size}</td>
                  <td>{c.received ? 'sim' : c.requested ? 'não (pendente)' : 'não pedido'}</td>
                  <td>{c.delivered ? 'sim' : c.pendingForReceiver ? 'não (pendente)' : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {notificacoesMortas.length > 0 ? (
        <section aria-labelledby="notificacoes">
          <h2 id="notificacoes">Notificações não entregues</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Sistema</th>
                <th scope="col">Tentativas</th>
                <th scope="col">Última tentativa</th>
                <th scope="col">Erro</th>
                {operador ? <th scope="col">Ação</th> : null}
              </tr>
            </thead>
            <tbody>
              {notificacoesMortas.map((n) => (
                <tr>
                  <td>{n.sistema}</td>
                  <td>{n.tentativas}</td>
                  <td>{dataHora(n.falhouEm)}</td>
                  <td>{n.erro}</td>
                  {operador ? (
                    <td>
                      <form method="post" action={`/monitor/tramites/${t.idt}/notificacoes/${encodeURIComponent(n.id)}/reenvio`}>
                        <input type="hidden" name="_csrf" value={props.csrf} />
                        <button type="submit">Reenviar</button>
                      </form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      {operador && OPEN_SITUACOES.includes(t.situacao) ? (
        <section aria-labelledby="acoes">
          <h2 id="acoes">Ações do operador</h2>
          <form method="post" action={`/monitor/tramites/${t.idt}/cancelamento`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <label for="motivo">Motivo do cancelamento</label>
            <textarea id="motivo" name="motivo" required maxlength={500} rows={3} cols={60}></textarea>
            <p>
              <button type="submit" class="perigo">
                Cancelar trâmite
              </button>
            </p>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}
