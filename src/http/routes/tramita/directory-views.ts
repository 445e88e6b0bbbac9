import type { Repository, Structure } from '../../../domain/registry.ts';

/** Repositório as on the wire (spec §3.6). */
export const repositoryView = (r: Repository) => ({ id: r.id, nome: r.nome, ativo: r.ativo });

/**
 * Estrutura as on the wire (spec §3.5): ids as digit strings, ancestors nearest first. A unit
 * replaced by another (spec §4.3) also names it in `estruturaSucessora`, an Elo addition that
 * clients which do not know it ignore (README "Diretório").
 */
export const structureView = (s: Structure, ancestors: Structure[], successor: Structure | null = null) => ({
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
  ...(successor ? { estruturaSucessora: { numeroDeIdentificacaoDaEstrutura: successor.numero, nome: successor.nome, sigla: successor.sigla, ativo: successor.ativo } } : {}),
});
