import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErroNoPacote, lerPastaDeEnvio } from './package-folder.ts';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('base64');
const dirs: string[] = [];
function folder(files: Record<string, string>, body: unknown, name = 'processo.json') {
  const dir = mkdtempSync(join(tmpdir(), 'elo-pasta-'));
  dirs.push(dir);
  for (const [n, text] of Object.entries(files)) writeFileSync(join(dir, n), text);
  writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  return dir;
}
const processo = (componentes: Record<string, unknown>[][], extra: Record<string, unknown> = {}) => ({
  cabecalho: { remetente: {}, destinatario: {} },
  processo: { protocolo: '1/2026', documentos: componentes.map((c) => ({ componentesDigitais: c })), ...extra },
});

describe('lerPastaDeEnvio', () => {
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('fills hash, size, type and order from the files, and maps a type outside spec §8.2 to "outro" with the real one', async () => {
    const dir = folder({ 'a.pdf': '%PDF-1.4 x', 'b.docx': 'PK docx', 'c.png': 'png' }, processo([[{ nome: 'a.pdf' }], [{ nome: 'b.docx' }, { nome: 'c.png' }]]));
    const p = await lerPastaDeEnvio(dir);
    const [d1, d2] = p.corpo.processo.documentos;
    expect(d1).toMatchObject({ ordem: 1, componentesDigitais: [{ ordem: 1, nome: 'a.pdf', hash: { algoritmo: 'SHA256', conteudo: sha('%PDF-1.4 x') }, tamanhoEmBytes: 10, mimeType: 'application/pdf', tipoDeConteudo: 'txt' }] });
    expect(d2.componentesDigitais[0]).toMatchObject({ mimeType: 'outro', dadosComplementaresDoTipoDeArquivo: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    expect(d2.componentesDigitais[1]).toMatchObject({ ordem: 2, mimeType: 'image/png', tipoDeConteudo: 'img' });
    expect([...p.arquivos.keys()].sort()).toEqual([sha('%PDF-1.4 x'), sha('PK docx'), sha('png')].sort());
    expect(Buffer.from(await p.arquivos.get(sha('PK docx'))!.ler(3, 7)).toString()).toBe('docx');
  });

  it('checks what the author wrote against the file and says which differs', async () => {
    const dir = folder({ 'a.pdf': 'abc' }, processo([[{ nome: 'a.pdf', hash: { algoritmo: 'SHA256', conteudo: sha('abd') } }]]));
    await expect(lerPastaDeEnvio(dir)).rejects.toThrow(`O hash declarado para a.pdf (${sha('abd')}) não confere com o do arquivo (${sha('abc')})`);
    const sized = folder({ 'a.pdf': 'abc' }, processo([[{ nome: 'a.pdf', tamanhoEmBytes: 4 }]]));
    await expect(lerPastaDeEnvio(sized)).rejects.toThrow('O tamanho declarado para a.pdf (4 bytes) não confere com o do arquivo (3 bytes).');
  });

  it('refuses a component that points outside the folder', async () => {
    const dir = folder({}, processo([[{ nome: 'senhas.txt', arquivo: '../../etc/passwd' }]]));
    const e = await lerPastaDeEnvio(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ErroNoPacote);
    expect((e as Error).message).toContain('fora da pasta do pacote');
  });

  it('leaves a cancelled document as declared, never asking for its file (spec §3.3)', async () => {
    const dir = folder({}, { cabecalho: {}, processo: { documentos: [{ retirado: true, componentesDigitais: [{ nome: 'cancelado.html', hash: { algoritmo: 'SHA256', conteudo: sha('[documento cancelado]') }, tamanhoEmBytes: 0 }] }] } });
    const p = await lerPastaDeEnvio(dir);
    expect(p.arquivos.size).toBe(0);
    expect(p.corpo.processo.documentos[0].componentesDigitais[0].tamanhoEmBytes).toBe(0);
  });

  it('reads documento.json for an avulso, numbering it, and says what is missing or broken in Portuguese', async () => {
    const avulso = await lerPastaDeEnvio(folder({ 'c.pdf': 'c' }, { cabecalho: {}, documento: { componentesDigitais: [{ nome: 'c.pdf' }] } }, 'documento.json'));
    expect(avulso.corpo.documento.ordem).toBe(1);
    await expect(lerPastaDeEnvio(folder({}, '{"cabecalho": ', 'processo.json'))).rejects.toThrow('processo.json não é um JSON válido (o texto termina antes de o JSON se fechar): corrija o arquivo.');
    await expect(lerPastaDeEnvio(folder({}, processo([[{ nome: 'falta.pdf' }]])))).rejects.toThrow('O arquivo falta.pdf do documento 1 não está na pasta do pacote.');
    await expect(lerPastaDeEnvio(folder({}, processo([[]])))).rejects.toThrow('não tem componentesDigitais');
    await expect(lerPastaDeEnvio(folder({}, { processo: {} }))).rejects.toThrow('Falta o "cabecalho"');
  });
});
