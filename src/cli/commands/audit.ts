import { existsSync, readFileSync } from 'node:fs';
import { auditChainOptions } from '../../runtime/audit-chain.ts';
import { dataPaths } from '../../runtime/data-dir.ts';
import { verifyAuditLog } from '../../services/audit-verify.ts';
import { dataDirCommand } from '../data-dir-command.ts';
import { EXIT_FAILED, EXIT_OK } from '../io.ts';

/**
 * `elo audit verify`: walks every audit chain and every signed checkpoint of the configured
 * database (the data folder's SQLite, or ELO_DATABASE_URL) and names the first broken link
 * (issue 11 §7). The checkpoints' signer must chain to the federation CA in the data folder.
 */
export const runAuditVerify = dataDirCommand(
  `Uso: elo audit verify [--json]

Confere o registro de auditoria do hub: cada evento encadeado ao anterior pelo hash (uma cadeia
por nó, ELO_NODE_ID), a cabeça de cada cadeia e cada ponto de controle assinado pelo hub (a
assinatura, o certificado da AC da federação da pasta de dados e o hash da cadeia naquela
posição). Imprime uma linha por item conferido e aponta a primeira quebra: linha alterada,
removida, inserida, linhas reordenadas ou ponto de controle alterado ou forjado.

Usa a pasta de dados (ELO_DATA_DIR) e, quando definido, o PostgreSQL de ELO_DATABASE_URL.
--json imprime o relatório em JSON.

Códigos de saída: 0 íntegro, 1 quebra encontrada (ou banco inacessível), 2 erro de uso.`,
  {},
  async ({ values, io, config, store }) => {
    const p = dataPaths(config.dataDir);
    const anchors = existsSync(p.caCert) ? [readFileSync(p.caCert, 'utf8')] : [];
    const intermediates = existsSync(p.intermediateCert) ? [readFileSync(p.intermediateCert, 'utf8')] : [];
    const report = await verifyAuditLog({ audit: store.audit, sha256: auditChainOptions(config).sha256, anchors, intermediates });
    if (values.json) io.out(JSON.stringify(report, null, 2));
    else {
      for (const v of report.verificacoes) io.out(`${v.ok ? 'ok    ' : 'FALHA '} ${v.item}: ${v.detalhe}`);
      io.out(
        report.primeiraQuebra
          ? `Registro de auditoria com quebra. Primeira quebra (${report.primeiraQuebra.tipo}): ${report.primeiraQuebra.mensagem}.`
          : `Registro de auditoria íntegro: ${report.cadeias.length} cadeia(s), ${report.pontosDeControle.length} ponto(s) de controle.`,
      );
    }
    return report.ok ? EXIT_OK : EXIT_FAILED;
  },
  { existing: true },
);
