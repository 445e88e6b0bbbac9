import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criarClienteElo, pacoteDeObjetos } from '../../src/client/index.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';

/**
 * Every package in fixtures/packages/ is sent, as it is, to the demo federation (`elo seed demo`)
 * by the system that owns its sender unit, with the component bytes its README lists, and is
 * received and concluded by the system of each destination.
 */
const dir = join(import.meta.dirname, '../../fixtures/packages');
/** fixtures/packages/README.md: the exact bytes behind each hash. */
function componentBytes(): Record<string, Uint8Array> {
  const rows = readFileSync(join(dir, 'README.md'), 'utf8').matchAll(/^\| `([A-Za-z0-9+/=]{44})` \| `([^`]*)`/gm);
  return Object.fromEntries([...rows].map(([, hash, text]) => [hash!, new TextEncoder().encode(text!)]));
}
/** The demo system acting for a unit (federation/demo/federation.json). */
const ownerOf = (repository: number) => ({ 1: 'sei-uniao', 5: 'protocolo-tribunal', 100: 'sei-estado', 200: 'sei-municipio' })[repository]!;

describe('fixtures/packages/ against the demo federation, as they are', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => t?.close());
  const sdk = (id: string) => {
    const s = t.seed.sistemas.find((x) => x.id === id)!;
    return criarClienteElo({ hub: t.hub.url, certificado: s.certificado, chave: s.chave, ac: s.ac });
  };

  const packages = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('has packages to send', () => expect(packages.length).toBeGreaterThanOrEqual(3));

  it.each(packages)('%s is accepted, delivered and concluded', async (file) => {
    const body = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const bytes = componentBytes();
    // the files as the package names them: each component's bytes, by its declared hash
    const files: Record<string, Uint8Array> = {};
    const declared: { nome: string; hash: string }[] = [];
    const walk = (docs: { componentesDigitais: { nome: string; hash: { conteudo: string } }[] }[]) => {
      for (const d of docs) for (const c of d.componentesDigitais) declared.push({ nome: c.nome, hash: c.hash.conteudo });
    };
    if (body.processo) {
      const all = (p: { documentos: never[]; processoApensado?: never[] }): void => (walk(p.documentos), (p.processoApensado ?? []).forEach(all));
      all(body.processo);
    } else walk([body.documento]);
    for (const c of declared) if (bytes[c.hash]) files[c.nome] = bytes[c.hash]!;
    const sender = sdk(ownerOf(Number(body.cabecalho.remetente.identificacaoDoRepositorioDeEstruturas)));
    try {
      const { estado } = await sender.enviar(await pacoteDeObjetos(body, files));
      const destinations = body.cabecalho.destinatarios ?? [body.cabecalho.destinatario];
      expect(estado.tramites).toHaveLength(destinations.length);
      for (const [i, tr] of estado.tramites.entries()) {
        const receiver = sdk(ownerOf(Number(destinations[i].identificacaoDoRepositorioDeEstruturas)));
        try {
          const got = await receiver.receber(tr.IDT);
          for (const c of got.componentes) expect(Buffer.from(c.bytes!).equals(Buffer.from(bytes[c.hash]!))).toBe(true);
          await receiver.concluir(tr.IDT);
        } finally {
          await receiver.fechar();
        }
        await sender.reciboDeConclusao(tr.IDT);
        expect((await sender.consultar(tr.IDT)).situacaoAtual).toBe(6);
      }
    } finally {
      await sender.fechar();
    }
  });
});
