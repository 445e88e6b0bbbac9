/**
 * Fields of a start body that §2.8, §2.9 and §3 do not define. They are relayed byte for byte
 * with the package (ARCHITECTURE "Byte stability", spec §1.5.4: SEI leaks internal fields such
 * as `idProcedimentoSEI`), but the hub never reads them, so their total size is bounded
 * (MAX_UNKNOWN_FIELD_CHARS): they must not carry the bulk of a body.
 */
import { isObject } from './readers.ts';

/** Known keys of an object; `true` for a value relayed without inspection. */
type Shape = { [key: string]: Shape | true };

const unidade: Shape = { identificacaoDoRepositorioDeEstruturas: true, numeroDeIdentificacaoDaEstrutura: true };
const hipoteseLegal: Shape = { identificacao: true };
const produtor: Shape = { nome: true, tipo: true, numeroDeIdentificacao: true, unidade: { nome: true, tipo: true } };
const componente: Shape = {
  ordem: true,
  nome: true,
  hash: { algoritmo: true, conteudo: true },
  tamanhoEmBytes: true,
  mimeType: true,
  dadosComplementaresDoTipoDeArquivo: true,
  tipoDeConteudo: true,
  // §3.4: signatures are relayed unchanged and never validated; their content is the sender's.
  assinaturasDigitais: true,
};
const documento: Shape = {
  ordem: true,
  descricao: true,
  retirado: true,
  nivelDeSigilo: true,
  hipoteseLegal,
  dataHoraDeProducao: true,
  dataHoraDeRegistro: true,
  produtor,
  especie: { codigo: true, nomeNoProdutor: true },
  identificacao: { numero: true, siglaDaUnidadeProdutora: true, complemento: true, ano: true },
  protocoloDoProcessoAnexado: true,
  ordemDoDocumentoReferenciado: true,
  componentesDigitais: componente,
  protocolo: true,
};
const processo: Shape = {
  protocolo: true,
  nivelDeSigilo: true,
  hipoteseLegal,
  processoDeNegocio: true,
  descricao: true,
  dataHoraDeProducao: true,
  dataHoraDeRegistro: true,
  produtor,
  interessados: { nome: true, numeroDeIdentificacao: true },
  documentos: documento,
  itensHistorico: { dataHoraOperacao: true, unidadeOperacao: true, operacao: true, usuario: true },
  observacao: true,
};
processo.processoApensado = processo;
const cabecalho: Shape = {
  remetente: unidade,
  destinatario: unidade,
  destinatarios: unidade,
  enviarApenasComponentesDigitaisPendentes: true,
  NRE: true,
  urgencia: true,
  motivoDaUrgencia: true,
  propriedadesAdicionais: { chave: true, valor: true },
};

export const startBodyShapes = {
  processo: { cabecalho, processo } satisfies Shape,
  documento: { cabecalho, documento } satisfies Shape,
};

/**
 * Characters of the compact JSON of `v`, counted until `budget` is passed (then any larger
 * number). Recursion is bounded by the nesting bound checked before parsing.
 */
function jsonChars(v: unknown, budget: number): number {
  if (typeof v === 'string') return v.length + 2;
  if (v === null || typeof v !== 'object') return String(v).length;
  let n = 2;
  if (Array.isArray(v)) {
    for (const el of v) {
      n += jsonChars(el, budget - n) + 1;
      if (n > budget) return n;
    }
    return n;
  }
  for (const [k, el] of Object.entries(v)) {
    n += k.length + 4 + jsonChars(el, budget - n);
    if (n > budget) return n;
  }
  return n;
}

/**
 * Total characters (key and compact value) of the members of `body` that `shape` does not
 * know, and the path of the largest one (what to remove); counting stops once `budget` is passed.
 *
 * @example unknownFieldChars({ cabecalho: {}, processo: { x: 1 } }, startBodyShapes.processo, 100)
 * // { chars: 6, largestPath: 'processo.x' }
 */
export function unknownFieldChars(body: unknown, shape: Shape, budget: number): { chars: number; largestPath: string | null } {
  const out = { chars: 0, largestPath: null as string | null };
  let largest = -1;
  const walk = (v: unknown, s: Shape, path: string): void => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length && out.chars <= budget; i++) walk(v[i], s, `${path}[${i}]`);
      return;
    }
    if (!isObject(v)) return;
    for (const key of Object.keys(v)) {
      if (out.chars > budget) return;
      const known = Object.hasOwn(s, key) ? s[key] : undefined;
      const child = path === '' ? key : `${path}.${key}`;
      if (known === undefined) {
        const chars = key.length + 3 + jsonChars(v[key], budget - out.chars);
        out.chars += chars;
        if (chars > largest) {
          largest = chars;
          out.largestPath = child;
        }
      } else if (known !== true) walk(v[key], known, child);
    }
  };
  walk(body, shape, '');
  return out;
}
