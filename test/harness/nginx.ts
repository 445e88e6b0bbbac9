import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Debian's nginx, if installed (the tests that need it fail under CI=true, else skip). */
export const nginxBinary = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p)) ?? null;

/** The nginx block README.md documents ("Atrás de um balanceador (nginx)"), verbatim. */
export function readmeNginxBlock(): string {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const at = readme.indexOf('### Atrás de um balanceador (nginx)');
  const m = /```nginx\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !m) throw new Error('README.md has no nginx block under "Atrás de um balanceador (nginx)"');
  return m[1]!;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface RunningNginx {
  url: string;
  dir: string;
  config: string;
  accessLog(): string;
  errorLog(): string;
  close(): Promise<void>;
}

/**
 * Starts nginx unprivileged on 127.0.0.1 with the README's block, its addresses and files
 * replaced by the test's: its own prefix, pid, logs and temp folders in a fresh temp folder.
 * With `upstreamPorts`, the README's one `server` line becomes one per node (several Elo on one
 * PostgreSQL), which nginx takes in turn (round robin, its default). The access log is nginx's
 * `combined` format followed by the node that answered (`$upstream_addr`, every one tried when
 * nginx passed the request on), its status and the time the request ended (`$msec`).
 */
export async function startNginx(o: {
  upstreamPort?: number;
  upstreamPorts?: number[];
  certFile: string;
  keyFile: string;
  clientCaFile?: string;
}): Promise<RunningNginx> {
  if (!nginxBinary) throw new Error('nginx is not installed');
  const upstreams = o.upstreamPorts ?? (o.upstreamPort !== undefined ? [o.upstreamPort] : []);
  if (upstreams.length === 0) throw new Error('startNginx needs upstreamPort or upstreamPorts');
  const dir = mkdtempSync(join(tmpdir(), 'elo-nginx-'));
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d));
  // nginx reads its own copies of the server key and certificate
  copyFileSync(o.certFile, join(dir, 'servidor.pem'));
  copyFileSync(o.keyFile, join(dir, 'servidor.key'));
  // Unprivileged: run as root (a CI container), nginx itself runs as nobody and owns its folder.
  const nobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : null;
  if (nobody) {
    chmodSync(dir, 0o700);
    for (const f of [dir, ...readdirSync(dir).map((e) => join(dir, e))]) chownSync(f, nobody.uid, nobody.gid);
  }
  const port = await freePort();
  const block = readmeNginxBlock()
    .replace('server 127.0.0.1:8080;', upstreams.map((p) => `server 127.0.0.1:${p};`).join('\n    '))
    .replace('listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`)
    .replace('/etc/nginx/elo/servidor.pem', join(dir, 'servidor.pem'))
    .replace('/etc/nginx/elo/servidor.key', join(dir, 'servidor.key'));
  const config = `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 1024; }
http {
  log_format elo '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" upstream=$upstream_addr upstream_status=$upstream_status msec=$msec';
  access_log ${dir}/access.log elo;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${block}
}
`;
  writeFileSync(join(dir, 'nginx.conf'), config);
  if (nobody) chownSync(join(dir, 'nginx.conf'), nobody.uid, nobody.gid);
  const child: ChildProcess = spawn(nginxBinary, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(nobody ?? {}),
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // bounded wait for the port: 100 tries, 50 ms apart
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${stderr}${readIf(join(dir, 'error.log'))}`);
    const up = await new Promise<boolean>((r) => {
      const s = createConnection({ host: '127.0.0.1', port }, () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (up) break;
    if (i >= 100) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not listen on ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `https://127.0.0.1:${port}`,
    dir,
    config,
    accessLog: () => readIf(join(dir, 'access.log')),
    errorLog: () => readIf(join(dir, 'error.log')),
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const readIf = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
