import type { Repository, Structure } from '../../../domain/registry.ts';

/** Repositório as on the wire (spec §3.6). */
export const repositoryView = (r: Repository) => ({ id: r.id, nome: r.nome, ativo: r.ativo });

/** Estrutura as on the wire (spec §3.5): ids as digit strings, ancestors nearest first. */
export const structureView = (s: Structure, ancestors: Structure[]) => ({
  numeroDeIdentificacaoDaEstrutura: s.numero,
  nome: s.nome,
  sigla: s.sigla,
  ativo: s.ativo,
  unidadeReceptora: s.unidadeReceptora,
  aptoParaReceberTramites: s.aptoParaReceberTramites,
  codigoNoOrgaoEntidade: s.codigoNoOrgaoEntidade,
  codigoUnidadeReceptora: s.codigoUnidadeReceptora,
  tipoDeTramitacao: 0,
  hierarquia: ancestors.map((a) => ({ numeroDeIdentificacaoDaEstrutura: a.numero, nome: a.nome, sigla: a.sigla })),
});
