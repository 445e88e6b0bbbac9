import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Closes the connections whose answers have waited `stallMs` on a peer that reads none of them:
 * a client that asks for a download and stops reading leaves the answer's writes held by TCP,
 * where none of Node's timeouts look (the request was received in time; the socket is not idle,
 * it has data to send). Without this, each such client would hold a connection slot and the
 * component's file open for as long as it pleases (issue 12, slow and abusive clients).
 *
 * A socket "waits" while its writes are backed up (`writableNeedDrain`); any progress (`drain`)
 * starts the count again, so a slow reader that keeps reading is never cut. Checked every second.
 */
export function closeStalledWriters(server: HttpServer, stallMs: number, onCut: (socket: Socket) => void = () => undefined): void {
  const sockets = new Set<Socket>();
  const waitingSince = new Map<Socket, number>();
  server.on('request', (req) => {
    const s = req.socket;
    if (sockets.has(s)) return;
    sockets.add(s);
    s.on('drain', () => waitingSince.delete(s));
    s.once('close', () => {
      sockets.delete(s);
      waitingSince.delete(s);
    });
  });
  const timer = setInterval(() => {
    const now = Date.now();
    for (const s of sockets) {
      if (!s.writableNeedDrain) {
        waitingSince.delete(s);
        continue;
      }
      const since = waitingSince.get(s);
      if (since === undefined) waitingSince.set(s, now);
      else if (now - since >= stallMs) {
        onCut(s);
        s.destroy();
      }
    }
  }, Math.min(1000, stallMs / 2));
  timer.unref();
  server.once('close', () => clearInterval(timer));
}
