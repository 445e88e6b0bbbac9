import type { DurableObjectState, EdgeWebSocket, WebSocketPairConstructor } from './durable-object-types.ts';

/** The paths of the object's own interface, reached only through its binding (never from the Internet). */
export const PENDENCIAS_SIGNAL = 'https://pendencias/sinal';
export const PENDENCIAS_WAIT = 'https://pendencias/aguardar';
/** The message a waiter receives: something of its system changed; it reads the store again. */
const CHANGED = 'mudou';

/**
 * One Durable Object per system of the federation (`idFromName(systemId)`, wrangler.toml binding
 * `PENDENCIAS`): where the Worker's held long-poll requests (spec §2.15) of that system wait for a
 * change, whichever isolate holds them and whichever isolate commits the change.
 *
 * A held request opens a WebSocket to its system's object (`/aguardar`) and keeps it while it
 * waits; a committed transition POSTs `/sinal` to the objects of its sender and receiver, and the
 * object sends `mudou` on every open socket. The object keeps nothing but the sockets and never
 * reads the database: a waiter that hears `mudou` reads the store itself, so a duplicate signal
 * costs one read and a lost object (restarted, moved) costs one read when the waiter reconnects.
 *
 * The sockets are accepted through the WebSocket Hibernation API (`state.acceptWebSocket`): while
 * requests wait and nothing changes, the object may be evicted from memory and is not billed for
 * the wait; Cloudflare brings it back, sockets intact, for the next signal.
 */
export class PendenciasDoSistema {
  constructor(
    private readonly state: DurableObjectState,
    _env: unknown,
  ) {}

  async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === '/sinal' && request.method === 'POST') {
      let sent = 0;
      for (const ws of this.state.getWebSockets()) {
        try {
          ws.send(CHANGED);
          sent++;
        } catch {
          // a socket closing meanwhile: its waiter is gone or reconnects (and then reads again)
        }
      }
      return Response.json({ aguardando: sent });
    }
    if (pathname === '/aguardar' && request.headers.get('upgrade')?.toLowerCase() === 'websocket') {
      const Pair = (globalThis as unknown as { WebSocketPair: WebSocketPairConstructor }).WebSocketPair;
      const pair = new Pair();
      // accepted before the answer: a signal sent once the waiter has its socket reaches it
      this.state.acceptWebSocket(pair[1]);
      return new Response(null, { status: 101, webSocket: pair[0] } as ResponseInit);
    }
    return new Response('caminho desconhecido do objeto de pendências', { status: 404 });
  }

  /** Waiters send nothing; a message is ignored. */
  webSocketMessage(): void {}

  /** A waiter that ends its wait closes its socket; the close is answered (a no-op where the runtime already did). */
  webSocketClose(ws: EdgeWebSocket, code: number, reason: string): void {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // already closed by the runtime's automatic reply
    }
  }

  webSocketError(): void {}
}
