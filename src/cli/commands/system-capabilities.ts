import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { capabilityService, type CapabilitiesView } from '../../services/capabilities.ts';
import { formatBytes } from '../../services/storage/capacity.ts';
import { dataDirCommand } from '../data-dir-command.ts';
import { EXIT_OK, EXIT_USAGE } from '../io.ts';

/** `elo system capabilities`: what a system accepts, as an administrator sets it (README "Capacidades dos sistemas"). */
const OPERATOR = 'cli';
const UNDECLARED = new Set(['nao-declarado', 'não-declarado']);
const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, kib: 1024, mb: 1_048_576, mib: 1_048_576, gb: 1_073_741_824, gib: 1_073_741_824 };

/** `20MB`, `20 MiB`, `20971520`: MB as SEI counts it (1024 × 1024 bytes); null: not declared; a string: why not. */
export function parseSize(text: string): number | null | string {
  if (UNDECLARED.has(text.trim().toLowerCase())) return null;
  const m = /^(\d+(?:[.,]\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return `"${text}" não é um tamanho: use bytes ou KB, MB, GB (p. ex. 20MB), ou nao-declarado.`;
  const bytes = Math.round(Number(m[1]!.replace(',', '.')) * unit);
  return bytes > 0 ? bytes : `"${text}" deve ser maior que zero.`;
}

const show = (v: CapabilitiesView) =>
  [
    `Capacidades do sistema "${v.sistema}"${v.declaradoPor ? ` (declaradas por ${v.declaradoPor === 'sistema' ? 'ele mesmo' : `administração: ${v.autor}`} em ${v.declaradoEm})` : ' (nada declarado)'}:`,
    `  tipos aceitos: ${v.mimeTypesAceitos ? v.mimeTypesAceitos.join(', ') || 'nenhum' : 'não declarado'}`,
    `  tamanho máximo por componente: ${v.tamanhoMaximoEmBytes === null ? 'não declarado' : formatBytes(v.tamanhoMaximoEmBytes)}`,
    `  envio parcial: ${v.envioParcial === null ? 'não declarado' : v.envioParcial ? 'sim' : 'não'}`,
    'Usadas só na pré-verificação: o hub não recusa envios por elas.',
  ].join('\n');

export const runSystemCapabilities = dataDirCommand(
  `Uso: elo system capabilities --id ID [--mime TIPO]… [--tamanho-maximo TAMANHO] [--envio-parcial sim|não] [--arquivo ARQUIVO] [--json]

Mostra ou define o que um sistema aceita: tipos de arquivo (mimeType; "outro" aceita os enviados
como outro), tamanho máximo por componente digital (bytes, ou KB/MB/GB de 1024) e envio parcial.
Sem opções, mostra. Cada opção altera só o que informa e mantém o resto; "nao-declarado" apaga o
valor. --arquivo lê um JSON {"mimeTypesAceitos": [...], "tamanhoMaximoEmBytes": n, "envioParcial":
true|false} e substitui a declaração inteira. O hub usa as capacidades só na pré-verificação
(POST /api/v1/preflight); um SEI aplica os próprios limites no módulo PEN.`,
  { id: { type: 'string' }, mime: { type: 'string', multiple: true }, 'tamanho-maximo': { type: 'string' }, 'envio-parcial': { type: 'string' }, arquivo: { type: 'string' } },
  async ({ values, io, store }) => {
    if (!values.id) {
      io.err('Informe --id ID do sistema. Veja "elo system capabilities --help".');
      return EXIT_USAGE;
    }
    const service = capabilityService({ store, clock: { now: () => new Date() } });
    const current = await service.get(values.id);
    const changes = values.mime !== undefined || values['tamanho-maximo'] !== undefined || values['envio-parcial'] !== undefined;
    if (values.arquivo && changes) {
      io.err('Use --arquivo sozinho (ele substitui a declaração inteira) ou as opções --mime, --tamanho-maximo e --envio-parcial.');
      return EXIT_USAGE;
    }
    let declared: CapabilitiesView = current;
    if (values.arquivo) {
      let body: unknown;
      try {
        body = JSON.parse(readFileSync(resolve(io.cwd, values.arquivo as string), 'utf8'));
      } catch (e) {
        io.err(`Não foi possível ler ${values.arquivo} como JSON: ${e instanceof Error ? e.message : String(e)}`);
        return EXIT_USAGE;
      }
      declared = await service.declare(values.id, body, { source: 'administracao', actor: OPERATOR });
    } else if (changes) {
      const next: Record<string, unknown> = { mimeTypesAceitos: current.mimeTypesAceitos, tamanhoMaximoEmBytes: current.tamanhoMaximoEmBytes, envioParcial: current.envioParcial };
      if (values.mime !== undefined) {
        const list = (values.mime as string[]).flatMap((m) => m.split(',')).map((m) => m.trim()).filter(Boolean);
        next.mimeTypesAceitos = list.some((m) => UNDECLARED.has(m.toLowerCase())) ? null : list;
      }
      if (values['tamanho-maximo'] !== undefined) {
        const size = parseSize(values['tamanho-maximo'] as string);
        if (typeof size === 'string') return (io.err(size), EXIT_USAGE);
        next.tamanhoMaximoEmBytes = size;
      }
      if (values['envio-parcial'] !== undefined) {
        const v = (values['envio-parcial'] as string).trim().toLowerCase();
        if (!['sim', 'não', 'nao', ...UNDECLARED].includes(v)) return (io.err('--envio-parcial deve ser sim, não ou nao-declarado.'), EXIT_USAGE);
        next.envioParcial = UNDECLARED.has(v) ? null : v === 'sim';
      }
      declared = await service.declare(values.id, next, { source: 'administracao', actor: OPERATOR });
    }
    io.out(values.json ? JSON.stringify(declared, null, 2) : show(declared));
    return EXIT_OK;
  },
  { existing: true },
);
