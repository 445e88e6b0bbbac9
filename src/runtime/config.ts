import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { jsonSyntaxProblem } from '../domain/json-syntax.ts';
import { systemErrorText } from '../domain/system-error-text.ts';
import { ConfigError, fieldsFromVariables, validateConfig, type EloConfig } from './config-schema.ts';

export * from './config-schema.ts';

/**
 * The hub's configuration on Node. Sources, later ones winning: defaults, a JSON file
 * (`elo.config.json` in the working folder, or the path in ELO_CONFIG), then `ELO_*` environment
 * variables (the schema and its checks: config-schema.ts). Relative paths are taken from `cwd`.
 */
export function loadConfig(env: Record<string, string | undefined>, cwd: string): EloConfig {
  const raw: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  const file = env.ELO_CONFIG ? resolve(cwd, env.ELO_CONFIG) : resolve(cwd, 'elo.config.json');
  if (env.ELO_CONFIG || existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new ConfigError([
        code === 'ENOENT'
          ? `arquivo ${file}: não existe (confira ELO_CONFIG ou a pasta atual)`
          : code === 'EACCES'
            ? `arquivo ${file}: sem permissão de leitura`
            : e instanceof SyntaxError
              ? `arquivo ${file}: não é um JSON válido (${jsonSyntaxProblem(e)})`
              : `arquivo ${file}: não pôde ser lido (${systemErrorText(e)})`,
      ]);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ConfigError([`arquivo ${file}: deve conter um objeto JSON`]);
    for (const [k, v] of Object.entries(parsed)) {
      raw[k] = v;
      origin[k] = `no arquivo ${file}`;
    }
  }
  fieldsFromVariables(env, raw, origin);
  const config = validateConfig(raw, origin);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  return {
    ...config,
    dataDir: abs(config.dataDir),
    trustAnchorFiles: config.trustAnchorFiles.map(abs),
    crlFiles: config.crlFiles.map(abs),
    crlSoftFailAnchorFiles: config.crlSoftFailAnchorFiles.map(abs),
    webhookCaFiles: config.webhookCaFiles.map(abs),
  };
}
