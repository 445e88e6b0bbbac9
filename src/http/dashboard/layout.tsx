/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { AdminPrincipal } from '../../domain/admin-roles.ts';
import { ROLE_LABEL } from '../../domain/admin-roles.ts';

/**
 * The frame of every page: Portuguese, a skip link, landmarks (header, nav, main), the session's
 * logout form. hono/jsx escapes every text and attribute: no page renders raw HTML from data.
 */
export function Layout(props: { title: string; who?: AdminPrincipal | null; csrf?: string; children?: Child }) {
  return (
    <html lang="pt-BR">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} — Painel do Elo`}</title>
        <link rel="stylesheet" href="/monitor/estilo.css" />
      </head>
      <body>
        <a class="pular" href="#conteudo">
          Ir para o conteúdo
        </a>
        <header>
          <strong>Elo — Painel de monitoramento</strong>
          {props.who ? (
            <nav aria-label="Navegação principal">
              <ul>
                <li>
                  <a href="/monitor/">Visão geral</a>
                </li>
                <li>
                  <a href="/monitor/busca">Busca</a>
                </li>
                <li>
                  <a href="/monitor/recusas">Recusas</a>
                </li>
                <li>
                  <a href="/monitor/notificacoes">Notificações</a>
                </li>
                {props.who.role === 'participante' && props.who.participantId ? (
                  <li>
                    <a href={`/monitor/participantes/${props.who.participantId}`}>Meu participante</a>
                  </li>
                ) : null}
              </ul>
            </nav>
          ) : null}
          {props.who ? (
            <form method="post" action="/monitor/sair" class="linha">
              <span>
                {props.who.label} ({ROLE_LABEL[props.who.role]})
              </span>
              <input type="hidden" name="_csrf" value={props.csrf ?? ''} />
              <button type="submit">Sair</button>
            </form>
          ) : null}
        </header>
        <main id="conteudo">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** Date and time as people read them here (UTC, stated), from an ISO instant. */
export function dataHora(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`;
}

/** A duration in words: "2 h 5 min", "3 d 4 h". */
export function duracao(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
