import { ConfigError, loadConfig } from '../../runtime/config.ts';
import { DataDirAccessError } from '../../runtime/data-dir-access.ts';
import { seedDemo } from '../../runtime/seed-demo.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand } from '../io.ts';
import { parseCommand } from '../parse-command.ts';

const help = `Uso: elo seed demo [--json]

Carrega a federação de demonstração (federation/demo/federation.json) na pasta de dados
e emite um certificado de cliente para cada sistema, assinado pela AC da federação.
Pode rodar antes ou depois do primeiro "elo start"; rodar de novo não muda nada.

Opções:
  --json   imprime os sistemas, suas estruturas e os caminhos de certificado, chave e AC
`;

export const runSeedDemo: CliCommand = async (args, io) => {
  const parsed = parseCommand(args, {}, help, io, { json: true });
  if ('exit' in parsed) return parsed.exit;
  const { values } = parsed;
  try {
    const config = loadConfig(io.env, io.cwd);
    const report = await seedDemo(config, new Date());
    if (values.json) {
      io.out(
        JSON.stringify(
          {
            dataDir: report.dataDir,
            alterados: report.changed,
            sistemas: report.sistemas.map((s) => ({
              id: s.id,
              nome: s.nome,
              estruturas: s.estruturas.map((e) => ({
                identificacaoDoRepositorioDeEstruturas: e.repositorio,
                numeroDeIdentificacaoDaEstrutura: e.numero,
                subarvore: e.subarvore,
              })),
              certificado: s.certificado,
              chave: s.chave,
              ac: s.ac,
              fingerprint256: s.fingerprint256,
            })),
          },
          null,
          2,
        ),
      );
      return EXIT_OK;
    }
    io.out(`Federação de demonstração carregada em ${report.dataDir}`);
    io.out(
      `  ${report.participantes} participantes, ${report.repositorios} repositórios, ${report.estruturas} estruturas; ` +
        (report.changed ? `${report.changed} registros novos ou alterados.` : 'nada mudou (já estava carregada).'),
    );
    for (const s of report.sistemas) {
      io.out(`\n  Sistema ${s.id} — ${s.nome}${s.certificadoNovo ? ' (certificado novo)' : ''}`);
      io.out(`    estruturas:  ${s.estruturas.map((e) => `${e.numero} (repositório ${e.repositorio}${e.subarvore ? ', com subárvore' : ''})`).join(', ')}`);
      io.out(`    certificado: ${s.certificado}`);
      io.out(`    chave:       ${s.chave}`);
      io.out(`    AC:          ${s.ac}`);
    }
    return EXIT_OK;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof DataDirAccessError) {
      io.err(e.message);
      return EXIT_USAGE;
    }
    io.err(`Falha ao carregar a federação de demonstração: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_FAILED;
  }
};
