import { ambienteNome } from '../../domain/environment.ts';
import { maskDatabaseUrl } from '../../store/database-url.ts';
import { ConfigError, loadConfig, type EloConfig } from '../../runtime/config.ts';
import { tlsCertificateNames } from '../../runtime/hub-certificates.ts';
import { DataDirAccessError, loosenedWarning } from '../../runtime/data-dir-access.ts';
import { dataPaths } from '../../runtime/data-dir.ts';
import { startNodeHub } from '../../runtime/hub.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand } from '../io.ts';
import { parseCommand } from '../parse-command.ts';

const help = `Uso: elo start

Inicia o hub Elo com a configuração embutida: HTTPS em 127.0.0.1:8443 pedindo certificado
de cliente, SQLite e arquivos em ./.elo/. Na primeira execução cria a AC de desenvolvimento,
os certificados do hub e um token de administrador.

Configuração: elo.config.json na pasta atual (ou o caminho em ELO_CONFIG) e variáveis
ELO_* — por exemplo ELO_DATA_DIR, ELO_HOST, ELO_PORT, ELO_HOSTNAMES, ELO_TRUST_ANCHORS,
ELO_MAX_JSON_MB e os limites de proteção (ELO_MAX_REQUESTS_PER_SYSTEM, ELO_SYSTEM_QUOTA_MB…).
A lista completa, com os padrões, está no README, seção "Configuração".
`;

export const runStart: CliCommand = async (args, io) => {
  const parsed = parseCommand(args, {}, help, io);
  if ('exit' in parsed) return parsed.exit;
  const started = performance.now();
  let hub;
  let config: EloConfig | undefined;
  try {
    config = loadConfig(io.env, io.cwd);
    hub = await startNodeHub(config);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`${e.message}\nO hub não foi iniciado. Corrija a configuração e tente de novo.`);
      return EXIT_USAGE;
    }
    if (e instanceof DataDirAccessError) {
      io.err(`${e.message}\nO hub não foi iniciado.`);
      return EXIT_USAGE;
    }
    const code = (e as { code?: string }).code;
    io.err(
      code === 'EADDRINUSE'
        ? `A porta ${config!.port} (${config!.host}) já está em uso por outro processo. Encerre-o ou escolha outra porta em ELO_PORT.`
        : `Falha ao iniciar o hub: ${e instanceof Error ? e.message : String(e)}`,
    );
    return EXIT_FAILED;
  }
  const p = dataPaths(hub.config.dataDir);
  const ms = Math.round(performance.now() - started);
  io.out(`Elo pronto em ${ms} ms: ${hub.url}`);
  io.out(`  Ambiente:          ${ambienteNome[hub.config.environment]} (ELO_AMBIENTE; os certificados emitidos por esta AC o declaram)`);
  io.out(`  Face Tramita:      ${hub.url}/interoperabilidade/rest/v3/`);
  io.out(`  Saúde:             ${hub.url}/healthz`);
  if (hub.proxy) io.out(`  Para o proxy:      ${hub.proxy.url} (HTTP; certificados encaminhados só de ${hub.config.trustedProxies.join(', ')})`);
  io.out(`  Pasta de dados:    ${p.root}`);
  // the password of a PostgreSQL URL is never printed
  const database = hub.config.databaseUrl ? `PostgreSQL ${maskDatabaseUrl(hub.config.databaseUrl)}` : p.database;
  io.out(`  Banco de dados:    ${database}`);
  io.out(`  AC da federação:   ${p.caCert}`);
  const tls = tlsCertificateNames(hub.config);
  io.out(`  Certificado TLS:   ${p.tlsCert} (nomes: ${tls.names.join(', ')})`);
  io.out(`  Assinatura:        ${p.signingCert}`);
  if (hub.bootstrap.adminToken) io.out(`  Token de administrador (guarde-o; também em ${p.adminToken}):\n    ${hub.bootstrap.adminToken}`);
  else io.out(`  Token de administrador: em ${p.adminToken}`);
  if (hub.bootstrap.created.length) io.out(`  Criados nesta execução: ${hub.bootstrap.created.length} arquivos (PKI de desenvolvimento, token).`);
  // the hint is for a hub with nobody to talk to yet, not for one already seeded
  if ((await hub.services.systems.list()).length === 0) io.out('Para carregar a federação de demonstração: npx elo seed demo');
  if (tls.missing.length)
    io.err(
      `Aviso: o certificado TLS do hub não tem ${tls.missing.length === 1 ? 'o nome' : 'os nomes'} ${tls.missing.join(', ')} de ELO_HOSTNAMES (tem: ${tls.names.join(', ')}); ` +
        'clientes que usarem esses nomes vão recusar a conexão. Rode "npx elo ca rotate-hub" para emitir certificados com os nomes configurados e reinicie o hub.',
    );
  if (hub.permissionWarnings.length) io.err(loosenedWarning(p.root, hub.permissionWarnings));
  await new Promise<void>((resolve) => {
    const stop = () => {
      io.out('Encerrando o hub…');
      void hub!.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return EXIT_OK;
};
