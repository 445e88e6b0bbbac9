import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packPlan, planComponents, unpackPlan } from '../component-plan.ts';
import { checkNreRules, type NreRegistration, type ProcessoOutline, type RegisteredDocument } from '../nre-rules.ts';
import type { ComponentRef } from './components.ts';
import {
  analyseStartBody,
  jsonShapeLimits,
  listLimits,
  MAX_UNKNOWN_FIELD_CHARS,
  parseIniciarTramiteDocumento,
  parseIniciarTramiteProcesso,
  type CodeLists,
  type StartBodyAnalysis,
  type ValidationIssue,
} from './index.ts';

const lists: CodeLists = { especies: new Set([42, 86, 88, 89, 179]), hipotesesLegais: new Set([1, 2, 3]), motivosUrgencia: 3 };
const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../../../fixtures/packages/${name}`, import.meta.url), 'utf8'));
const sei = () => fixture('sei-processo-dois-documentos.json');
const avulso = () => fixture('avulso-dois-destinatarios.json');
const utf8 = (s: string) => new TextEncoder().encode(s);
const doc1 = 'processo.documentos[0] (ordem 1)';

function refusedProcesso(body: unknown): ValidationIssue[] {
  const r = parseIniciarTramiteProcesso(body, lists);
  if (r.ok) throw new Error('the body was accepted');
  return r.error;
}
const refusal = (a: StartBodyAnalysis) => {
  if (a.ok) throw new Error('the body was accepted');
  return a;
};

describe('analyseStartBody: what the start needs from the exact bytes (spec §2.8, §2.9)', () => {
  it('accepts the body SEI sends and finds the package bytes, the outline and the plan', () => {
    const text = JSON.stringify(sei());
    const raw = utf8(text);
    const a = analyseStartBody(raw, 'processo', lists);
    if (!a.ok || a.kind !== 'processo') throw new Error(JSON.stringify(a));
    expect(a.protocolo).toBe('99990.000001/2026-01');
    expect(new TextDecoder().decode(raw.subarray(a.packageSpan!.ini, a.packageSpan!.fim))).toBe(JSON.stringify(sei().processo));
    expect(new TextDecoder().decode(raw.subarray(a.propsSpan!.ini, a.propsSpan!.fim))).toBe(JSON.stringify(sei().cabecalho.propriedadesAdicionais));
    expect('propriedadesAdicionais' in a.cabecalho).toBe(false);
    const outline = JSON.parse(a.processoOutline) as ProcessoOutline;
    expect(outline.documentos.map((d) => d.ordem)).toEqual([1, 2]);
    expect(Object.keys(outline.documentos[0]!.componentesDigitais[0]!)).toEqual(['ordem', 'hash', 'tamanhoEmBytes', 'mimeType']);
  });

  it('refuses a body that starts with a UTF-8 byte order mark, saying so (RFC 8259 §8.1)', () => {
    const raw = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(JSON.stringify(sei()))]);
    const r = refusal(analyseStartBody(raw, 'processo', lists));
    expect(r.code).toBe('malformed_json');
    expect(r.mensagem).toContain('BOM');
  });

  it('refuses `{"x":[{},{},…]}` past the bound of objects and lists without parsing it', () => {
    const raw = utf8(`{"x":[${'{},'.repeat(jsonShapeLimits.containers)}{}]}`);
    const t0 = performance.now();
    const r = refusal(analyseStartBody(raw, 'processo', lists));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.code).toBe('validation_failed');
    expect(r.mensagem).toContain('mais de 750.000 objetos e listas');
  });

  it('refuses nesting deeper than the bound, before any recursion could overflow', () => {
    const depth = jsonShapeLimits.depth + 1;
    const r = refusal(analyseStartBody(utf8(`{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`), 'processo', lists));
    expect(r.mensagem).toContain('níveis de aninhamento');
  });

  it('keeps the fields SEI leaks (§1.5.4) but refuses unknown fields past their total bound, naming the largest', () => {
    expect(analyseStartBody(utf8(JSON.stringify(sei())), 'processo', lists).ok).toBe(true);
    const body = sei();
    body.processo.documentos[1].extra = 'x'.repeat(MAX_UNKNOWN_FIELD_CHARS);
    const r = refusal(analyseStartBody(utf8(JSON.stringify(body)), 'processo', lists));
    expect(r.code).toBe('validation_failed');
    expect(r.mensagem).toContain('campos que o protocolo não define');
    expect(r.mensagem).toContain('(o maior é processo.documentos[1].extra)');
  });

  it('refuses a package that gives one hash two sizes, naming both components', () => {
    const body = sei();
    const [a, b] = body.processo.documentos;
    b.componentesDigitais[0].hash = a.componentesDigitais[0].hash;
    b.componentesDigitais[0].tamanhoEmBytes = a.componentesDigitais[0].tamanhoEmBytes + 1;
    const r = refusal(analyseStartBody(utf8(JSON.stringify(body)), 'processo', lists));
    expect(r.mensagem).toContain('têm o mesmo hash');
    expect(r.conflicts).toHaveLength(1);
  });

  it('reads a documento avulso: cabecalho with its destinatários, ordem and plan', () => {
    const a = analyseStartBody(utf8(JSON.stringify(avulso())), 'documento', lists);
    if (!a.ok || a.kind !== 'documento') throw new Error(JSON.stringify(a));
    expect(a.cabecalho.destinatarios).toHaveLength(2);
    expect(unpackPlan(a.plan).components.length).toBeGreaterThan(0);
  });
});

describe('list limits of a package: 0001 naming the list, before its elements are read', () => {
  const tooMany = (max: number) => `deve ter no máximo ${max} elementos (tem ${max + 1}); esse é o limite do barramento`;

  it('refuses more documents than listLimits.documentos', () => {
    const body = sei();
    body.processo.documentos = Array(listLimits.documentos + 1).fill(body.processo.documentos[0]);
    expect(refusedProcesso(body)).toEqual([{ path: 'processo.documentos', message: tooMany(listLimits.documentos) }]);
  });

  it('refuses more components in a document than listLimits.componentesPorDocumento', () => {
    const body = sei();
    const d = body.processo.documentos[0];
    d.componentesDigitais = Array(listLimits.componentesPorDocumento + 1).fill(d.componentesDigitais[0]);
    expect(refusedProcesso(body)).toContainEqual({ path: `${doc1}.componentesDigitais`, message: tooMany(listLimits.componentesPorDocumento) });
  });

  it('refuses more components in the whole package than listLimits.componentesNoPacote, once, where the bound is crossed', () => {
    const body = sei();
    const c = body.processo.documentos[0].componentesDigitais[0];
    const components = Array.from({ length: listLimits.componentesPorDocumento }, (_, j) => ({ ...c, ordem: j + 1 }));
    const docs = Math.floor(listLimits.componentesNoPacote / listLimits.componentesPorDocumento) + 2;
    body.processo.documentos = Array.from({ length: docs }, (_, i) => ({ ...body.processo.documentos[0], ordem: i + 1, componentesDigitais: components }));
    const crossing = `processo.documentos[${docs - 2}] (ordem ${docs - 1}).componentesDigitais`;
    const issues = refusedProcesso(body);
    expect(issues.filter((i) => i.message.includes('componentes digitais no pacote'))).toEqual([
      { path: crossing, message: `ultrapassa o limite de ${listLimits.componentesNoPacote} componentes digitais no pacote (processo e apensados); esse é o limite do barramento` },
    ]);
  });

  it('refuses more interessados than listLimits.interessados', () => {
    const body = sei();
    body.processo.interessados = Array(listLimits.interessados + 1).fill({ nome: 'Fulano' });
    expect(refusedProcesso(body)).toEqual([{ path: 'processo.interessados', message: tooMany(listLimits.interessados) }]);
  });

  it('refuses more propriedadesAdicionais than listLimits.propriedadesAdicionais', () => {
    const body = sei();
    body.cabecalho.propriedadesAdicionais = Array(listLimits.propriedadesAdicionais + 1).fill({ chave: 'MODULO_PEN_VERSAO', valor: '4.0.2' });
    expect(refusedProcesso(body)).toEqual([{ path: 'cabecalho.propriedadesAdicionais', message: tooMany(listLimits.propriedadesAdicionais) }]);
  });

  it('refuses more apensados in the package than listLimits.apensadosNoPacote', () => {
    const body = sei();
    body.processo.processoApensado = Array(listLimits.apensadosNoPacote + 1).fill({});
    expect(refusedProcesso(body)).toEqual([
      { path: 'processo.processoApensado', message: `ultrapassa o limite de ${listLimits.apensadosNoPacote} processos apensados no pacote (todos os níveis); esse é o limite do barramento` },
    ]);
  });

  it('refuses more destinatários than listLimits.destinatarios, and names the first occurrence of a repeated one', () => {
    const body = avulso();
    const units = Array.from({ length: listLimits.destinatarios + 1 }, (_, i) => ({ identificacaoDoRepositorioDeEstruturas: 1, numeroDeIdentificacaoDaEstrutura: String(i + 1) }));
    body.cabecalho.destinatarios = units;
    const r = parseIniciarTramiteDocumento(body, lists);
    expect(r.ok ? [] : r.error).toEqual([{ path: 'cabecalho.destinatarios', message: tooMany(listLimits.destinatarios) }]);
    body.cabecalho.destinatarios = [...units.slice(0, listLimits.destinatarios - 1), { ...units[2]!, numeroDeIdentificacaoDaEstrutura: '0003' }];
    const again = parseIniciarTramiteDocumento(body, lists);
    expect(again.ok ? [] : again.error).toEqual([
      { path: `cabecalho.destinatarios[${listLimits.destinatarios - 1}]`, message: 'repete o destinatário de cabecalho.destinatarios[2]' },
    ]);
  });
});

describe('linear work on long lists', () => {
  it('plans 100,000 components of one process in about a second at most (was quadratic: 5 billion comparisons)', () => {
    const refs: ComponentRef[] = Array.from({ length: 100_000 }, (_, i) => ({
      protocolo: 'P',
      documentoOrdem: i + 1,
      componenteOrdem: 1,
      retirado: false,
      hash: String(i).padStart(44, 'A'),
      tamanhoEmBytes: 1,
      especieCodigo: 42,
      path: `p[${i}]`,
    }));
    const t0 = performance.now();
    const plan = planComponents(refs);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(plan.byProtocolo[0]!.hashes).toHaveLength(100_000);
    expect(unpackPlan(packPlan(plan)!)).toEqual(plan);
  });

  it('checks the NRE rules of 20,000 registered documents in well under a second (was quadratic)', () => {
    const documents: RegisteredDocument[] = Array.from({ length: 20_000 }, (_, i) => ({
      protocolo: 'P',
      ordem: i + 1,
      especie: 42,
      retirado: false,
      anexado: null,
      components: [{ ordem: 1, hash: 'h', size: 1 }],
      registeredIdt: 1,
    }));
    const reg: NreRegistration = { nre: '1'.repeat(16), protocolo: 'P', version: 1, documents };
    const p: ProcessoOutline = {
      protocolo: 'P',
      documentos: documents.map((d) => ({ ordem: d.ordem, especie: { codigo: 42 }, retirado: false, componentesDigitais: [{ ordem: 1, hash: { conteudo: 'h' }, tamanhoEmBytes: 1 }] })),
      processoApensado: [],
    };
    const t0 = performance.now();
    expect(checkNreRules(reg, p)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
