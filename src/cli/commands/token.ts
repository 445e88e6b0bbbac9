import { randomBytes, randomUUID } from 'node:crypto';
import { participantService } from '../../services/participants.ts';
import { tokenService } from '../../services/tokens.ts';
import type { Store } from '../../store/index.ts';
import { dataDirCommand } from '../data-dir-command.ts';
import { EXIT_OK, EXIT_USAGE } from '../io.ts';

/**
 * `elo token …`: bearer tokens of the administration API, on the data folder of this hub (the
 * running hub accepts a new token, and refuses a revoked one, at the next request).
 */
const OPERATOR = 'cli';

/** The token service as `elo` commands use it on the data folder (also `elo demo`, for its monitor token). */
export const tokenServiceOf = (store: Store) => {
  const clock = { now: () => new Date() };
  return tokenService({ store, clock, ids: { uuid: () => randomUUID(), randomBytes: (n) => new Uint8Array(randomBytes(n)) } }, participantService({ store, clock }));
};

export const runTokenCreate = dataDirCommand(
  `Uso: elo token create --role admin|participante|monitor [--participante CNPJ] [--rotulo TEXTO] [--json]

Cria um token da API de administração e o mostra uma única vez (o hub guarda só o SHA-256).
admin: toda a federação; participante: só o participante informado em --participante (as
unidades, os sistemas e os pedidos dele); monitor: somente leitura.`,
  { role: { type: 'string' }, participante: { type: 'string' }, rotulo: { type: 'string' } },
  async ({ values, io, store }) => {
    if (!values.role) {
      io.err('Informe o papel com --role admin, participante ou monitor.');
      return EXIT_USAGE;
    }
    const r = await tokenServiceOf(store).create({ role: values.role, participante: values.participante, rotulo: values.rotulo }, OPERATOR);
    const { sha256: _sha, ...info } = r.info;
    if (values.json) io.out(JSON.stringify({ token: r.token, ...info }, null, 2));
    else io.out(`Token criado (${info.id}, ${info.role}, "${info.label}"). Guarde-o agora: ele não será mostrado de novo.\n  ${r.token}`);
    return EXIT_OK;
  },
  { existing: true },
);

export const runTokenList = dataDirCommand(
  `Uso: elo token list [--json]

Lista os tokens da API de administração pelo id (início do SHA-256), papel, rótulo e datas.`,
  {},
  async ({ values, io, store }) => {
    const s = tokenServiceOf(store);
    const all = await s.list();
    if (values.json) io.out(JSON.stringify(all.map(({ sha256: _sha, ...t }) => t), null, 2));
    else for (const t of all) io.out(s.describe(t));
    return EXIT_OK;
  },
  { existing: true },
);

export const runTokenRevoke = dataDirCommand(
  `Uso: elo token revoke --id ID [--json]

Revoga um token (o id é o início do SHA-256 mostrado por "elo token list"): a próxima requisição
com ele é recusada.`,
  { id: { type: 'string' } },
  async ({ values, io, store }) => {
    if (!values.id) {
      io.err('Informe o token com --id ID (veja "elo token list").');
      return EXIT_USAGE;
    }
    const s = tokenServiceOf(store);
    const { sha256: _sha, ...t } = await s.revoke(values.id, OPERATOR);
    io.out(values.json ? JSON.stringify(t, null, 2) : `Token revogado: ${s.describe({ ...t, sha256: '' })}`);
    return EXIT_OK;
  },
  { existing: true },
);
