import { auditRowHash, checkpointBytes, type Sha256 } from '../domain/audit-chain.ts';
import { fromBase64 } from '../pki/encoding.ts';
import { verifyRsaSha256 } from '../pki/signer.ts';
import { readCertificates, verifyCertificate, type CertInput } from '../pki/verify/index.ts';
import type { AuditChainHead, AuditCheckpoint, AuditLog, ChainedAuditRow } from '../store/index.ts';

/**
 * What broke the audit log (issue 11 §7), as `elo audit verify` names it:
 * - `linha_alterada`: a row's fields no longer give its hash (or the head differs from the last row);
 * - `linha_removida`: a position is missing, or the chain ends before its head or a checkpoint;
 * - `linha_inserida`: a row outside the chains after they began, a repeated position, a row past the head;
 * - `linhas_reordenadas`: rows whose contents were swapped, or whose order of writing contradicts their positions;
 * - `ponto_de_controle_invalido`: a checkpoint whose signature does not verify (altered or forged);
 * - `ponto_de_controle_fora_da_federacao`: a checkpoint signed by a certificate not chained to the federation CA;
 * - `cadeia_diverge_do_ponto_de_controle`: a validly signed checkpoint whose hash is not the chain's at its position
 *   (the rows up to it were changed and their hashes recomputed).
 */
export type AuditBreakKind =
  | 'linha_alterada'
  | 'linha_removida'
  | 'linha_inserida'
  | 'linhas_reordenadas'
  | 'ponto_de_controle_invalido'
  | 'ponto_de_controle_fora_da_federacao'
  | 'cadeia_diverge_do_ponto_de_controle';

export interface AuditBreak {
  tipo: AuditBreakKind;
  cadeia: string | null;
  /** Position in the chain (null for a row outside every chain). */
  posicao: number | null;
  /** The row's seq, when one row is at fault. */
  seq: number | null;
  mensagem: string;
}

export interface AuditCheck {
  item: string;
  ok: boolean;
  detalhe: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  /** One line per thing checked, in order (Portuguese, as printed). */
  verificacoes: AuditCheck[];
  cadeias: { cadeia: string; linhas: number; posicaoFinal: number; ok: boolean }[];
  pontosDeControle: { cadeia: string; posicao: number; at: string; ok: boolean }[];
  /** Events written before the chains existed (this Elo's migration): kept, but nothing proves them. */
  anterioresACadeia: number;
  /** The first broken link, in the order checked; null when all holds. */
  primeiraQuebra: AuditBreak | null;
}

export interface AuditVerifyDeps {
  audit: Pick<AuditLog, 'chainHeads' | 'chainRows' | 'outsideChains' | 'checkpoints'>;
  sha256: Sha256;
  /** The federation CA (the data folder's pki/): a checkpoint's signer must chain to it. */
  anchors: CertInput[];
  intermediates?: CertInput[];
}

const PAGE = 1000;

/**
 * Walks every audit chain and every checkpoint and reports the first broken link (issue 11 §7).
 * Each chain is read in position order, a page at a time; only the hashes at checkpointed
 * positions are kept, so memory does not grow with the log.
 */
export async function verifyAuditLog(deps: AuditVerifyDeps): Promise<AuditVerifyReport> {
  const { audit, sha256 } = deps;
  const report: AuditVerifyReport = { ok: true, verificacoes: [], cadeias: [], pontosDeControle: [], anterioresACadeia: 0, primeiraQuebra: null };
  const fail = (b: AuditBreak, item: string) => {
    report.verificacoes.push({ item, ok: false, detalhe: b.mensagem });
    report.primeiraQuebra ??= b;
    report.ok = false;
  };

  const outside = await audit.outsideChains();
  report.anterioresACadeia = outside.preChain;
  report.verificacoes.push({
    item: 'eventos anteriores à cadeia',
    ok: true,
    detalhe: outside.preChain ? `${outside.preChain} evento(s) gravado(s) antes da cadeia (até o seq ${outside.lastPreChainSeq}): guardados, mas sem prova de integridade` : 'nenhum',
  });
  if (outside.firstInsertedSeq !== null) {
    fail(
      { tipo: 'linha_inserida', cadeia: null, posicao: null, seq: outside.firstInsertedSeq, mensagem: `o evento seq ${outside.firstInsertedSeq} não pertence a nenhuma cadeia, mas foi gravado depois que as cadeias começaram: linha inserida` },
      'eventos fora das cadeias',
    );
  }

  const checkpoints = await audit.checkpoints();
  const heads = await audit.chainHeads();
  const chainIds = [...new Set([...heads.map((h) => h.chain), ...checkpoints.map((c) => c.chain)])].sort();
  /** Per chain: the hashes at checkpointed positions, and up to where the chain held. */
  const walked = new Map<string, { hashes: Map<number, string>; validUpTo: number }>();
  for (const chain of chainIds) {
    const head = heads.find((h) => h.chain === chain) ?? { chain, position: 0, hash: '' };
    const wanted = new Set(checkpoints.filter((c) => c.chain === chain).map((c) => c.position));
    const w = await walkChain(audit, sha256, head, wanted);
    walked.set(chain, w);
    report.cadeias.push({ cadeia: chain, linhas: w.rows, posicaoFinal: w.validUpTo, ok: !w.broken });
    if (w.broken) fail(w.broken, `cadeia ${chain}`);
    else report.verificacoes.push({ item: `cadeia ${chain}`, ok: true, detalhe: `${w.rows} evento(s), posições 1 a ${head.position}, encadeados; cabeça confere (${short(head.hash)})` });
  }

  const anchors = deps.anchors;
  for (const c of checkpoints) {
    const item = `ponto de controle ${c.chain}#${c.position} (${c.at})`;
    const problem = await checkCheckpoint(c, walked.get(c.chain)!, anchors, deps.intermediates ?? []);
    report.pontosDeControle.push({ cadeia: c.chain, posicao: c.position, at: c.at, ok: problem === null || problem === 'skipped' });
    if (problem === null) report.verificacoes.push({ item, ok: true, detalhe: `assinatura do hub válida, certificado da federação, hash confere com a cadeia (${short(c.hash)})` });
    else if (problem === 'skipped') report.verificacoes.push({ item, ok: true, detalhe: 'assinatura válida; não comparado com a cadeia, que quebra antes dessa posição' });
    else fail(problem, item);
  }
  if (checkpoints.length === 0) report.verificacoes.push({ item: 'pontos de controle', ok: true, detalhe: 'nenhum ponto de controle assinado ainda' });
  return report;
}

const short = (hash: string) => `${hash.slice(0, 16)}…`;

interface Walk {
  rows: number;
  /** The last position up to which every link held. */
  validUpTo: number;
  hashes: Map<number, string>;
  broken: AuditBreak | null;
}

async function walkChain(audit: AuditVerifyDeps['audit'], sha256: Sha256, head: AuditChainHead, wanted: Set<number>): Promise<Walk> {
  const chain = head.chain;
  const w: Walk = { rows: 0, validUpTo: 0, hashes: new Map(), broken: null };
  const broke = (tipo: AuditBreakKind, posicao: number, seq: number | null, mensagem: string): Walk => ((w.broken = { tipo, cadeia: chain, posicao, seq, mensagem: `cadeia ${chain}, posição ${posicao}: ${mensagem}` }), w);
  let prev: ChainedAuditRow | null = null;
  let beforePrevHash = '';
  for (let after = 0; ; ) {
    const page = await audit.chainRows(chain, after, PAGE);
    for (const r of page) {
      w.rows++;
      const expected = (prev?.position ?? 0) + 1;
      if (r.position < expected) return broke('linha_inserida', r.position, r.seq, `há mais de um evento nesta posição (seq ${prev?.seq} e ${r.seq}): linha inserida`);
      if (r.position > head.position) return broke('linha_inserida', r.position, r.seq, `o evento seq ${r.seq} está além da cabeça da cadeia (posição ${head.position}): linha inserida`);
      if (r.position > expected)
        return broke('linha_removida', expected, null, `falta(m) o(s) evento(s) da(s) posição(ões) ${expected}${r.position - 1 > expected ? ` a ${r.position - 1}` : ''} (a seguinte é seq ${r.seq}): linha removida`);
      if (auditRowHash(sha256, r) !== r.hash) {
        const moved = await findMovedContent(audit, sha256, r);
        if (moved) return broke('linhas_reordenadas', r.position, r.seq, `o conteúdo gravado aqui é o do evento da posição ${moved.position} (seq ${moved.seq}): linhas reordenadas`);
        return broke('linha_alterada', r.position, r.seq, `os campos do evento seq ${r.seq} não dão o hash gravado: linha alterada`);
      }
      if (r.prevHash !== (prev?.hash ?? '')) {
        // the previous row has a valid hash of its own, but is not the one this row follows
        if (prev && r.prevHash === beforePrevHash) return broke('linha_inserida', prev.position, prev.seq, `o evento seq ${prev.seq} não é o que o evento seguinte encadeia: linha inserida`);
        return broke('linha_alterada', expected - 1, prev?.seq ?? null, `o evento seguinte (seq ${r.seq}) encadeia outro hash que o desta posição: linha alterada ou substituída`);
      }
      if (prev && r.seq < prev.seq) return broke('linhas_reordenadas', r.position, r.seq, `o evento seq ${r.seq} vem depois do seq ${prev.seq} na cadeia, mas foi gravado antes: linhas reordenadas`);
      if (wanted.has(r.position)) w.hashes.set(r.position, r.hash);
      beforePrevHash = prev?.hash ?? '';
      prev = r;
      w.validUpTo = r.position;
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.position;
  }
  if (w.validUpTo < head.position) return broke('linha_removida', w.validUpTo + 1, null, `a cabeça da cadeia está na posição ${head.position}, mas os eventos terminam na ${w.validUpTo}: linha(s) removida(s)`);
  if (prev && prev.hash !== head.hash) return broke('linha_alterada', prev.position, prev.seq, 'o hash do último evento não é o da cabeça da cadeia: linha alterada');
  return w;
}

/**
 * A row whose fields do not give its hash: is it another row's content moved here (a swap)? True
 * when some other row's fields, put at this row's place in the chain, give exactly this row's
 * hash. One more pass over the chain, only at the first break.
 */
async function findMovedContent(audit: AuditVerifyDeps['audit'], sha256: Sha256, r: ChainedAuditRow): Promise<ChainedAuditRow | null> {
  for (let after = 0; ; ) {
    const page = await audit.chainRows(r.chain, after, PAGE);
    for (const q of page) {
      if (q.seq === r.seq) continue;
      if (auditRowHash(sha256, { ...q, position: r.position, prevHash: r.prevHash }) === r.hash) return q;
    }
    if (page.length < PAGE) return null;
    after = page[page.length - 1]!.position;
  }
}

async function checkCheckpoint(
  c: AuditCheckpoint,
  walk: { hashes: Map<number, string>; validUpTo: number; broken?: AuditBreak | null },
  anchors: CertInput[],
  intermediates: CertInput[],
): Promise<AuditBreak | 'skipped' | null> {
  const at = (mensagem: string, tipo: AuditBreakKind): AuditBreak => ({ tipo, cadeia: c.chain, posicao: c.position, seq: null, mensagem: `ponto de controle da cadeia ${c.chain} na posição ${c.position} (${c.at}): ${mensagem}` });
  const certs = readCertificates(c.chainPem);
  const signature = fromBase64(c.signature);
  const [leaf, ...chain] = certs.ok ? certs.value : [];
  if (!leaf || !signature || !(await verifyRsaSha256(leaf, checkpointBytes(c), signature)))
    return at('a assinatura não confere com os dados do ponto (alterado ou forjado)', 'ponto_de_controle_invalido');
  const when = new Date(c.at);
  const v = await verifyCertificate({ leaf, intermediates: [...chain, ...intermediates], anchors, at: Number.isNaN(when.getTime()) ? new Date(0) : when, purpose: 'signing' });
  if (!v.valid) return at(`assinado por um certificado que não é da federação: ${v.message}`, 'ponto_de_controle_fora_da_federacao');
  const hash = walk.hashes.get(c.position);
  if (hash === undefined) {
    if (walk.broken && walk.broken.posicao !== null && walk.broken.posicao <= c.position) return 'skipped';
    return at(`a cadeia termina na posição ${walk.validUpTo}, antes da posição assinada: linha(s) removida(s)`, 'linha_removida');
  }
  if (hash !== c.hash) return at(`o hash assinado (${short(c.hash)}) não é o da cadeia nessa posição (${short(hash)}): a cadeia foi reescrita até ali`, 'cadeia_diverge_do_ponto_de_controle');
  return null;
}
