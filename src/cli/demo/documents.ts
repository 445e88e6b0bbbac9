/**
 * The documents of the demo federation's story, as text: the demo renders them as PDFs
 * (`minimalPdf`) and fixtures/pastas/ holds the same PDFs, compared byte for byte by
 * test/integration/fixture-folders.test.ts, so a fixture is what the project generates.
 */
export interface DemoText {
  nome: string;
  descricao: string;
  especie: { codigo: number; nomeNoProdutor: string };
  linhas: string[];
}

export const DEMO_DOCUMENTS = {
  oficio: {
    nome: 'oficio-45-2026.pdf',
    descricao: 'Ofício nº 45/2026',
    especie: { codigo: 88, nomeNoProdutor: 'Ofício' },
    linhas: [
      'Prefeitura Municipal de Exemplópolis',
      'Ofício nº 45/2026 — Secretaria Municipal de Administração',
      '',
      'Ao Governo do Estado de Exemplo,',
      'solicitamos a celebração de convênio para a reforma da Escola Municipal',
      'Professora Maria das Dores, conforme o plano de trabalho anexo.',
      '',
      'Atenciosamente,',
      'João da Silva, Secretário Municipal de Administração',
    ],
  },
  plano: {
    nome: 'plano-de-trabalho.pdf',
    descricao: 'Plano de trabalho',
    especie: { codigo: 107, nomeNoProdutor: 'Projeto' },
    linhas: [
      'Plano de Trabalho — Reforma da Escola Municipal Professora Maria das Dores',
      '',
      '1. Objeto: reforma da cobertura e das instalações elétricas.',
      '2. Valor estimado: R$ 480.000,00 (contrapartida municipal de 10%).',
      '3. Prazo de execução: 8 meses.',
    ],
  },
  parecer: {
    nome: 'parecer-112-2026.pdf',
    descricao: 'Parecer técnico nº 112/2026',
    especie: { codigo: 95, nomeNoProdutor: 'Parecer' },
    linhas: [
      'Governo do Estado de Exemplo — Secretaria de Estado da Fazenda',
      'Parecer técnico nº 112/2026',
      '',
      'O plano de trabalho atende aos requisitos do programa estadual de',
      'reforma de escolas. Recomenda-se a celebração do convênio, com a',
      'apresentação das certidões de regularidade fiscal do Município.',
    ],
  },
  oficioUniao: {
    nome: 'oficio-301-2026.pdf',
    descricao: 'Ofício nº 301/2026',
    especie: { codigo: 88, nomeNoProdutor: 'Ofício' },
    linhas: ['Governo do Estado de Exemplo', 'Ofício nº 301/2026', '', 'Ao Ministério de Exemplo: encaminhamos o acervo digitalizado do convênio', 'para a prestação de contas dos recursos federais.'],
  },
  termo: {
    nome: 'termo-de-adesao.pdf',
    descricao: 'Termo de adesão',
    especie: { codigo: 136, nomeNoProdutor: 'Termo' },
    linhas: ['Termo de adesão ao programa federal de apoio à educação', 'Governo do Estado de Exemplo'],
  },
  certidao: {
    nome: 'certidao-de-objeto-e-pe.pdf',
    descricao: 'Certidão de objeto e pé nº 77/2026',
    especie: { codigo: 21, nomeNoProdutor: 'Certidão' },
    linhas: [
      'Tribunal Regional de Exemplo — Seção de Protocolo Judicial',
      'Certidão de objeto e pé nº 77/2026',
      '',
      'Certificamos, a pedido da Prefeitura Municipal de Exemplópolis, que a ação',
      'de cobrança nº 0001234-56.2026 encontra-se arquivada, sem pendências.',
    ],
  },
} as const satisfies Record<string, DemoText>;
