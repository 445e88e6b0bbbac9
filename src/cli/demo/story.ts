import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fonteEmArquivo, fonteEmMemoria, impressaoDigitalDaAssinatura, pacoteDeFontes, type ClienteElo, type FonteDeComponente, type PacoteDeEnvio, type Progresso } from '../../client/index.ts';
import { situacaoNome, type Situacao } from '../../domain/situacao.ts';
import { DEMO_DOCUMENTS, type DemoText } from './documents.ts';
import { minimalPdf } from './pdf.ts';

/**
 * The demo's story (README "Demonstração"), played by three instances of the demo federation
 * through the SDK, as their SEIs would: a municipality sends a process with PDFs to the state; the
 * state returns it with a new document (same NRE, documents appended); the state sends one to the
 * Union with a large generated file, in ranged parts; the Union refuses one whose espécie it has
 * not mapped, and the state acknowledges the refusal.
 */
export interface DemoActors {
  municipio: ClienteElo;
  estado: ClienteElo;
  uniao: ClienteElo;
}

export interface StoryOptions {
  /** Size of the large file of step 3, in MiB (hundreds by default: the point is the ranged transfer). */
  bigFileMib: number;
  /** Where the large file is generated and received (removed at the end). */
  workDir: string;
  log: (line: string) => void;
  aoProgredir?: (p: Progresso) => void;
  /** Makes the protocolos of this run unique, so that the story can be played again on the same hub. */
  runId: string;
}

export interface StepResult {
  passo: number;
  descricao: string;
  IDT: number;
  NRE: string;
  situacao: number;
  impressaoDoReciboDeEnvio?: string;
  impressaoDoReciboDeConclusao?: string;
  justificativaDaRecusa?: string;
  /** Files the sender uploaded and the receiver downloaded in this trâmite. */
  arquivosEnviados: number;
  arquivosRecebidos: number;
}

const unit = (rep: number, id: string) => ({ identificacaoDoRepositorioDeEstruturas: rep, numeroDeIdentificacaoDaEstrutura: id });
const MUNICIPIO_SEMAD = unit(200, '2001');
const ESTADO_PROTOCOLO = unit(100, '1002');
const UNIAO_CGPA = unit(1, '171456');
/** The espécies the Union's SEI has mapped (its own table, inside its PEN module: spec §8.3, motivo 04). */
const UNIAO_MAPPED_ESPECIES = new Set([42, 77, 79, 88, 95, 99, 107, 122, 179]);

interface DemoDocument {
  nome: string;
  descricao: string;
  especie: { codigo: number; nomeNoProdutor: string };
  fonte: FonteDeComponente;
}

function processo(o: { protocolo: string; descricao: string; processoDeNegocio: string; produtor: string; unidade: string; documentos: DemoDocument[]; at: string }) {
  return {
    protocolo: o.protocolo,
    nivelDeSigilo: '1',
    processoDeNegocio: o.processoDeNegocio,
    descricao: o.descricao,
    dataHoraDeProducao: o.at,
    dataHoraDeRegistro: o.at,
    produtor: { nome: o.produtor, tipo: 'orgaopublico', unidade: { nome: o.unidade, tipo: 'orgaopublico' } },
    interessados: [{ nome: 'Prefeitura Municipal de Exemplópolis' }],
    documentos: o.documentos.map((d, i) => ({
      ordem: i + 1,
      descricao: d.descricao,
      nivelDeSigilo: '1',
      dataHoraDeProducao: o.at,
      dataHoraDeRegistro: o.at,
      produtor: { nome: o.produtor, numeroDeIdentificacao: String(4000 + i) },
      especie: d.especie,
      // type, order, hash and size come from the file, as `elo send` fills them (package-folder.ts)
      componentesDigitais: [{ nome: d.nome, assinaturasDigitais: [] }],
    })),
  };
}

/** The package of a process: hashes and sizes filled from the sources, as `lerPastaDeEnvio` does. */
const pacote = (cabecalho: Record<string, unknown>, p: ReturnType<typeof processo>, docs: DemoDocument[]): Promise<PacoteDeEnvio> =>
  pacoteDeFontes({ cabecalho, processo: p }, Object.fromEntries(docs.map((d) => [d.nome, d.fonte])));

/** A document of DEMO_DOCUMENTS as the PDF the project renders. */
const pdfDocument = (d: DemoText): DemoDocument => ({ nome: d.nome, descricao: d.descricao, especie: d.especie, fonte: fonteEmMemoria(d.nome, minimalPdf(d.linhas)) });
const describeSituacao = (s: number) => `situação ${s} (${situacaoNome[s as Situacao]})`;

export async function playStory(actors: DemoActors, o: StoryOptions): Promise<StepResult[]> {
  const { municipio, estado, uniao } = actors;
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const progress = o.aoProgredir ? { aoProgredir: o.aoProgredir } : {};
  const results: StepResult[] = [];
  const protocolo = (n: number) => `${23000 + n}.${o.runId}/2026-${String(10 + n)}`;

  /** Receives everything pending of one trâmite and signs the completion receipt; the sender fetches it. */
  const deliver = async (sender: ClienteElo, receiver: ClienteElo, idt: number, pasta?: string) => {
    const got = await receiver.receber(idt, { ...(pasta ? { pasta } : {}), ...progress });
    const receipt = await receiver.concluir(idt);
    await sender.reciboDeConclusao(idt);
    return { got, fingerprint: impressaoDigitalDaAssinatura(receipt.hashDaAssinatura) };
  };
  const report = async (step: Omit<StepResult, 'situacao'>, viewer: ClienteElo) => {
    const situacao = (await viewer.consultar(step.IDT)).situacaoAtual as number;
    const r = { ...step, situacao };
    results.push(r);
    o.log(`   IDT ${r.IDT} · NRE ${r.NRE} · ${describeSituacao(situacao)}`);
    if (r.impressaoDoReciboDeEnvio) o.log(`   recibo de envio, assinado pelo hub: ${r.impressaoDoReciboDeEnvio}`);
    if (r.impressaoDoReciboDeConclusao) o.log(`   recibo de conclusão, assinado pelo destinatário: ${r.impressaoDoReciboDeConclusao}`);
    if (r.justificativaDaRecusa) o.log(`   recusa: ${r.justificativaDaRecusa}`);
  };

  // 1. the municipality asks the state for an agreement: a process with two PDFs
  const oficio = pdfDocument(DEMO_DOCUMENTS.oficio);
  const plano = pdfDocument(DEMO_DOCUMENTS.plano);
  o.log(`1. A Prefeitura de Exemplópolis envia ao Estado o processo ${protocolo(1)}, com 2 PDFs (ofício e plano de trabalho)`);
  const p1 = processo({ protocolo: protocolo(1), descricao: 'Convênio para reforma de escola municipal', processoDeNegocio: 'Convênios: Celebração', produtor: 'João da Silva', unidade: 'Secretaria Municipal de Administração', documentos: [oficio, plano], at });
  const s1 = await municipio.enviar(await pacote({ remetente: MUNICIPIO_SEMAD, destinatario: ESTADO_PROTOCOLO }, p1, [oficio, plano]), progress);
  const t1 = s1.estado.tramites[0]!;
  const d1 = await deliver(municipio, estado, t1.IDT);
  await report({ passo: 1, descricao: 'prefeitura → estado', IDT: t1.IDT, NRE: t1.NRE, arquivosEnviados: s1.estado.solicitados.length, arquivosRecebidos: d1.got.componentes.length, impressaoDoReciboDeEnvio: impressaoDigitalDaAssinatura(s1.recibosDeEnvio[0]!.hashDaAssinatura), impressaoDoReciboDeConclusao: d1.fingerprint }, municipio);

  // 2. the state answers in the same process (same NRE): the two documents and a new opinion
  const parecer = pdfDocument(DEMO_DOCUMENTS.parecer);
  o.log(`2. O Estado devolve o processo à Prefeitura com um novo documento (parecer): mesmo NRE, documentos acrescentados`);
  const p2 = processo({ protocolo: protocolo(1), descricao: 'Convênio para reforma de escola municipal', processoDeNegocio: 'Convênios: Celebração', produtor: 'Ana Pereira', unidade: 'Coordenação de Protocolo da Fazenda', documentos: [oficio, plano, parecer], at });
  // envio parcial (spec §6.2), as SEI sends a process back: the hub asks only for what the
  // municipality does not hold already
  const s2 = await estado.enviar(await pacote({ remetente: ESTADO_PROTOCOLO, destinatario: MUNICIPIO_SEMAD, NRE: t1.NRE, enviarApenasComponentesDigitaisPendentes: true }, p2, [oficio, plano, parecer]), progress);
  const t2 = s2.estado.tramites[0]!;
  const d2 = await deliver(estado, municipio, t2.IDT);
  o.log(`   envio parcial: o Estado enviou ao hub ${s2.estado.solicitados.length} arquivo(s) e a Prefeitura baixou ${d2.got.componentes.length} (${d2.got.componentes.map((c) => c.nome).join(', ')}); os outros ela já tem`);
  await report({ passo: 2, descricao: 'estado → prefeitura (mesmo NRE)', IDT: t2.IDT, NRE: t2.NRE, arquivosEnviados: s2.estado.solicitados.length, arquivosRecebidos: d2.got.componentes.length, impressaoDoReciboDeEnvio: impressaoDigitalDaAssinatura(s2.recibosDeEnvio[0]!.hashDaAssinatura), impressaoDoReciboDeConclusao: d2.fingerprint }, estado);

  // 3. the state sends the Union a process with a large file: ranged upload and download
  const bigPath = join(o.workDir, 'acervo-digitalizado.dat');
  await writeRandomFile(bigPath, o.bigFileMib * 1024 * 1024);
  const acervo: DemoDocument = { nome: 'acervo-digitalizado.dat', descricao: `Acervo digitalizado (${o.bigFileMib} MiB gerados para a demonstração)`, especie: { codigo: 179, nomeNoProdutor: 'Anexo' }, fonte: await fonteEmArquivo('acervo-digitalizado.dat', bigPath) };
  const oficio3 = pdfDocument(DEMO_DOCUMENTS.oficioUniao);
  o.log(`3. O Estado envia à União o processo ${protocolo(3)}, com um arquivo de ${o.bigFileMib} MiB (em partes de até 50 MiB)`);
  const started3 = Date.now();
  const p3 = processo({ protocolo: protocolo(3), descricao: 'Prestação de contas de convênio federal', processoDeNegocio: 'Prestação de Contas', produtor: 'Ana Pereira', unidade: 'Coordenação de Protocolo da Fazenda', documentos: [oficio3, acervo], at });
  const s3 = await estado.enviar(await pacote({ remetente: ESTADO_PROTOCOLO, destinatario: UNIAO_CGPA }, p3, [oficio3, acervo]), progress);
  const t3 = s3.estado.tramites[0]!;
  const received = join(o.workDir, `recebido-${t3.IDT}`);
  const d3 = await deliver(estado, uniao, t3.IDT, received);
  o.log(`   ${o.bigFileMib} MiB enviados e recebidos, hash conferido, em ${((Date.now() - started3) / 1000).toFixed(1)} s`);
  await rm(received, { recursive: true, force: true });
  await rm(bigPath, { force: true });
  await report({ passo: 3, descricao: 'estado → união (arquivo grande)', IDT: t3.IDT, NRE: t3.NRE, arquivosEnviados: s3.estado.solicitados.length, arquivosRecebidos: d3.got.componentes.length, impressaoDoReciboDeEnvio: impressaoDigitalDaAssinatura(s3.recibosDeEnvio[0]!.hashDaAssinatura), impressaoDoReciboDeConclusao: d3.fingerprint }, estado);

  // 4. the Union refuses a process whose espécie it has not mapped; the state acknowledges
  const termo = pdfDocument(DEMO_DOCUMENTS.termo);
  o.log(`4. O Estado envia à União o processo ${protocolo(4)} com um Termo, espécie que a União não mapeou; a União recusa (motivo 04)`);
  const p4 = processo({ protocolo: protocolo(4), descricao: 'Adesão a programa federal', processoDeNegocio: 'Programas: Adesão', produtor: 'Ana Pereira', unidade: 'Coordenação de Protocolo da Fazenda', documentos: [termo], at });
  const s4 = await estado.enviar(await pacote({ remetente: ESTADO_PROTOCOLO, destinatario: UNIAO_CGPA }, p4, [termo]), progress);
  const t4 = s4.estado.tramites[0]!;
  const meta = await uniao.metadados(t4.IDT);
  const unmapped = (meta.processo.documentos as { especie: { codigo: number; nomeNoProdutor: string } }[]).find((d) => !UNIAO_MAPPED_ESPECIES.has(d.especie.codigo))!;
  await uniao.recusar(t4.IDT, '04', `Espécie documental ${unmapped.especie.nomeNoProdutor} (código ${unmapped.especie.codigo}) não mapeada no SEI do Ministério de Exemplo.`);
  const pending = await estado.pendencias();
  if (!pending.some((p) => p.IDT === t4.IDT && p.status === 8)) throw new Error(`o Estado não viu a recusa do trâmite ${t4.IDT} nas pendências`);
  const justificativa = String((await estado.consultar(t4.IDT)).justificativaDaRecusa);
  await estado.ciencia(t4.IDT);
  o.log('   o Estado viu a recusa nas pendências e deu ciência');
  await report({ passo: 4, descricao: 'união recusa (espécie não mapeada)', IDT: t4.IDT, NRE: t4.NRE, arquivosEnviados: s4.estado.solicitados.length, arquivosRecebidos: 0, impressaoDoReciboDeEnvio: impressaoDigitalDaAssinatura(s4.recibosDeEnvio[0]!.hashDaAssinatura), justificativaDaRecusa: justificativa }, estado);
  return results;
}

/** `bytes` of random data, written a MiB at a time (never the whole file in memory). */
async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (let done = 0; done < bytes; ) {
      const n = Math.min(1024 * 1024, bytes - done);
      await handle.write(randomBytes(n));
      done += n;
    }
  } finally {
    await handle.close();
  }
}
