import { acceptsMimeType, effectiveMimeType, type Capabilities } from '../../domain/capabilities.ts';
import { EloError } from '../../domain/errors.ts';
import type { ProcessoOutline } from '../../domain/nre-rules.ts';
import { formatBytes } from '../storage/capacity.ts';

/**
 * What the recipient system declared or mapped, against a package (README "Pré-verificação"):
 * espécies and hipóteses it did not map, component types it does not accept, components above
 * its size, envio parcial it does not receive. Read in preflight only: an SEI enforces its own
 * limits and mappings and refuses by itself (spec §8.1, §8.2, §8.3), so the hub never refuses a
 * start for these; it tells the sender before the send. Pure: every fact is passed in.
 */
export interface RecipientFacts {
  recipient: string;
  caps: Capabilities;
  /** Per list: whether the recipient registered its codes at all (then an unmapped one is a problem), and which federation codes it maps. */
  especies: { registered: boolean; mapped: Set<number>; names: Map<number, string> };
  hipoteses: { registered: boolean; mapped: Set<number>; names: Map<number, string> };
  /** Components the envio parcial would leave out because the recipient holds them (spec §6.2); 0 without envio parcial. */
  omittedByEnvioParcial: number;
}

/** At most this many problems of one code, then one line that counts the rest. */
const MAX_PER_CODE = 20;

type Where = string;

/** Every document and non-retirado component of the package, named as the SEI user sees them (ordem: spec §8.4). */
function walk(p: ProcessoOutline) {
  const especies = new Map<number, Where[]>();
  const hipoteses = new Map<number, Where[]>();
  const components: { where: Where; tamanhoEmBytes: number; mimeType?: string; dadosComplementaresDoTipoDeArquivo?: string }[] = [];
  const add = (m: Map<number, Where[]>, k: number, w: Where) => m.set(k, [...(m.get(k) ?? []), w]);
  const visit = (proc: ProcessoOutline) => {
    if (proc.hipoteseLegal) add(hipoteses, proc.hipoteseLegal.identificacao, `processo ${proc.protocolo}`);
    for (const d of proc.documentos) {
      const doc = `documento ${d.ordem} do processo ${proc.protocolo}`;
      add(especies, d.especie.codigo, doc);
      if (d.hipoteseLegal) add(hipoteses, d.hipoteseLegal.identificacao, doc);
      if (!d.retirado) for (const c of d.componentesDigitais) components.push({ ...c, where: `componente digital ${c.ordem} do ${doc}` });
    }
    for (const a of proc.processoApensado) visit(a);
  };
  visit(p);
  return { especies, hipoteses, components };
}

const places = (w: Where[]) => (w.length > 3 ? `${w.slice(0, 3).join('; ')} e mais ${w.length - 3}` : w.join('; '));

function capped(problems: EloError[]): EloError[] {
  if (problems.length <= MAX_PER_CODE) return problems;
  const first = problems[0]!;
  return [...problems.slice(0, MAX_PER_CODE), new EloError(first.code, `E mais ${problems.length - MAX_PER_CODE} problema(s) do mesmo tipo (${first.codigoErro}).`)];
}

export function recipientProblems(outline: ProcessoOutline, f: RecipientFacts): EloError[] {
  const { especies, hipoteses, components } = walk(outline);
  const to = `o sistema destinatário "${f.recipient}"`;
  const out: EloError[] = [];

  const unmapped = (list: RecipientFacts['especies'], used: Map<number, Where[]>, code: 'especie_unmapped' | 'hipotese_unmapped', what: string, local: string) =>
    !list.registered
      ? []
      : [...used]
          .filter(([k]) => !list.mapped.has(k))
          .map(
            ([k, w]) =>
              new EloError(
                code,
                `A ${what} ${k}${list.names.has(k) ? ` (${list.names.get(k)})` : ''}, usada em ${places(w)}, não está mapeada para ${local} do sistema destinatário "${f.recipient}": ele pode recusar o processo (um SEI recusa quando não tem tipo padrão para o que não mapeou). Peça à administração do órgão de destino que mapeie a ${what} ${k} ("elo mapping set --lista ${code === 'especie_unmapped' ? 'especies' : 'hipoteses'}") ou use outra.`,
                { [code === 'especie_unmapped' ? 'especie' : 'hipoteseLegal']: k, sistema: f.recipient },
              ),
          );
  out.push(...capped(unmapped(f.especies, especies, 'especie_unmapped', 'espécie documental', 'nenhum tipo de documento')));
  out.push(...capped(unmapped(f.hipoteses, hipoteses, 'hipotese_unmapped', 'hipótese legal', 'nenhuma hipótese de restrição')));

  if (f.caps.mimeTypesAceitos) {
    const refused = new Map<string, Where[]>();
    for (const c of components) if (!acceptsMimeType(f.caps, c)) refused.set(effectiveMimeType(c), [...(refused.get(effectiveMimeType(c)) ?? []), c.where]);
    out.push(
      ...capped(
        [...refused].map(
          ([mime, w]) =>
            new EloError(
              'mime_type_not_accepted',
              `${to[0]!.toUpperCase()}${to.slice(1)} não aceita arquivos do tipo ${mime || '(vazio)'} (${places(w)}); aceita ${f.caps.mimeTypesAceitos!.join(', ') || 'nenhum tipo'}. Converta o arquivo para um tipo aceito (p. ex. PDF) antes de enviar.`,
              { mimeType: mime, sistema: f.recipient, aceitos: f.caps.mimeTypesAceitos },
            ),
        ),
      ),
    );
  }

  const max = f.caps.tamanhoMaximoEmBytes;
  if (max !== null)
    out.push(
      ...capped(
        components
          .filter((c) => c.tamanhoEmBytes > max)
          .map(
            (c) =>
              new EloError(
                'component_above_recipient_limit',
                `O ${c.where} tem ${formatBytes(c.tamanhoEmBytes)}, acima do máximo de ${formatBytes(max)} que ${to} aceita por componente. Divida o documento em arquivos menores.`,
                { tamanhoEmBytes: c.tamanhoEmBytes, max, sistema: f.recipient },
              ),
          ),
      ),
    );

  if (f.caps.envioParcial === false && f.omittedByEnvioParcial > 0)
    out.push(
      new EloError(
        'envio_parcial_unsupported',
        `O envio pede só os componentes digitais pendentes (enviarApenasComponentesDigitaisPendentes, envio parcial) e ${f.omittedByEnvioParcial} componente(s) não seriam enviados porque ${to} já os tem de trâmites anteriores do NRE, mas ele declarou não receber envio parcial. Envie o processo completo (enviarApenasComponentesDigitaisPendentes false).`,
        { sistema: f.recipient, omitidos: f.omittedByEnvioParcial },
      ),
    );
  return out;
}
