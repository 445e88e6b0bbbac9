import { z } from 'zod';
import { ADMIN_ROLES, type AdminRole } from '../../../domain/admin-roles.ts';
import { participantInputSchema } from '../../../domain/participant.ts';
import { systemInputSchema } from '../../../services/systems.ts';
import { codeListAddSchema, codeListChangeSchema } from '../../../services/code-lists.ts';
import { LISTA } from './code-lists.ts';
import { capabilitiesInputSchema } from '../../../domain/capabilities.ts';
import { webhookInputSchema } from '../../../services/webhooks.ts';
import { ADMIN, FEDERATION_READERS, READERS } from './roles.ts';

/** Bodies of the administration API that are not a registry record of their own. */
export const adminBodies = {
  motivo: z.object({ motivo: z.string().min(1).max(500).describe('Por quê: fica no histórico e na auditoria') }),
  motivoOpcional: z.object({ motivo: z.string().max(500).optional() }),
  participante: z.intersection(
    participantInputSchema,
    z.object({ situacao: z.enum(['ativo', 'pendente']).optional(), motivo: z.string().max(500).optional() }),
  ),
  sistema: systemInputSchema,
  convite: z.object({ validadeDias: z.number().min(1).max(90).optional(), nota: z.string().max(300).optional() }),
  reatribuicao: z.object({ sistema: z.string().min(1), motivo: z.string().max(500).optional() }),
  entradaDeLista: codeListAddSchema,
  alteracaoDeLista: codeListChangeSchema,
  capacidades: capabilitiesInputSchema,
  mapeamento: z.object({ federacao: z.number().int().positive().nullable().describe('Código da espécie ou identificação da hipótese legal; null remove o mapeamento') }),
  webhook: webhookInputSchema,
} as const;

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As the router declares it (Hono syntax). */
  route: string;
  summary: string;
  roles: readonly AdminRole[];
  body?: z.ZodType;
  /** A body that is a file, not JSON. */
  bodyMedia?: string;
}

/**
 * Every operation of the administration API, with the roles that may call it and the schema of
 * its body: the same zod schemas the services validate with. The OpenAPI document is generated
 * from this list; a test checks it against the router, so a route cannot go undocumented.
 */
export const ADMIN_OPERATIONS: readonly Operation[] = [
  { method: 'GET', route: '/eventos', summary: 'Eventos para monitores (?tipo=, ?limite=)', roles: FEDERATION_READERS },
  { method: 'GET', route: '/certificados', summary: 'Certificados registrados e dias para expirar', roles: FEDERATION_READERS },
  { method: 'GET', route: '/tramites', summary: 'Busca trâmites (?IDT=, ?NRE=, ?protocolo=, ?participante=, ?estrutura=, ?situacao=, ?de=, ?ate=, ?cursor=, ?limite=)', roles: READERS },
  { method: 'GET', route: '/tramites/parados', summary: 'Trâmites parados além do limite da situação, quem deve agir e quando se cancelam', roles: READERS },
  { method: 'GET', route: '/tramites/:idt{[0-9]+}', summary: 'A história de um trâmite: situações, componentes, recibos, eventos e quem deve agir', roles: READERS },
  { method: 'GET', route: '/indicadores', summary: 'Números por participante e por par num período (?de=, ?ate=, ?participante=)', roles: READERS },
  { method: 'GET', route: '/indicadores/situacoes', summary: 'Quantos trâmites há em cada situação agora', roles: READERS },
  { method: 'GET', route: '/indicadores/vazao', summary: 'Iniciados, concluídos, recusados e cancelados por hora ou dia (?de=, ?ate=, ?intervalo=)', roles: READERS },
  { method: 'GET', route: '/recusas', summary: 'Requisições recusadas dos sistemas, sem IDT inclusive (?participante=, ?sistema=, ?codigoErro=, ?NRE=, ?de=, ?ate=, ?cursor=, ?limite=)', roles: READERS },
  { method: 'GET', route: '/nres/:nre{[0-9]+}/documentos', summary: 'Documentos registrados para um NRE (spec §6), seus trâmites e recusas', roles: READERS },
  { method: 'DELETE', route: '/tramites/:idt{[0-9]+}', summary: 'Cancelamento pelo operador (situações 1 a 4)', roles: ADMIN },
  { method: 'POST', route: '/nres/importacao', summary: 'Importa NREs que um parceiro já detém (CSV ou JSON)', roles: ADMIN, bodyMedia: 'text/csv' },
  { method: 'GET', route: '/nres/:nre', summary: 'Protocolo, documentos e vínculos de um NRE', roles: FEDERATION_READERS },
  { method: 'POST', route: '/nres/:nre/liberacao', summary: 'Desvincula o NRE de todos os sistemas', roles: ADMIN, body: adminBodies.motivoOpcional },
  { method: 'POST', route: '/nres/:nre/reatribuicao', summary: 'Vincula o NRE só a um sistema', roles: ADMIN, body: adminBodies.reatribuicao },
  { method: 'GET', route: '/participantes', summary: 'Participantes (o papel participante vê só o seu)', roles: READERS },
  { method: 'POST', route: '/participantes', summary: 'Cadastra um participante', roles: ADMIN, body: adminBodies.participante },
  { method: 'GET', route: '/participantes/:cnpj', summary: 'Um participante e o histórico da situação dele', roles: READERS },
  {
    method: 'POST',
    route: '/participantes/:cnpj/:acao{(?:aprovacao|suspensao|reativacao|desligamento)}',
    summary: 'Aprova, suspende, reativa ou desliga um participante',
    roles: ADMIN,
    body: adminBodies.motivo,
  },
  {
    method: 'POST',
    route: '/participantes/:cnpj/estruturas',
    summary: 'Importa a árvore de unidades do participante (?repositorio=, &nome=, &simular=1, &desativarAusentes=1, &vigencia=)',
    roles: ['admin', 'participante'],
    bodyMedia: 'text/csv',
  },
  { method: 'GET', route: '/participantes/:cnpj/estruturas', summary: 'Exporta a árvore de unidades do participante (?repositorio=, &formato=csv|json)', roles: READERS },
  { method: 'GET', route: '/sistemas', summary: 'Sistemas e as estruturas de cada um', roles: READERS },
  { method: 'POST', route: '/sistemas', summary: 'Cadastra um sistema (o papel participante: só do seu participante)', roles: ['admin', 'participante'], body: adminBodies.sistema },
  { method: 'GET', route: '/sistemas/:id/capacidades', summary: 'O que o sistema declarou aceitar (só para a pré-verificação)', roles: READERS },
  { method: 'PUT', route: '/sistemas/:id/capacidades', summary: 'Define as capacidades do sistema (o papel participante: só dos seus)', roles: ['admin', 'participante'], body: adminBodies.capacidades },
  { method: 'GET', route: '/sistemas/:id/mapeamentos/:lista', summary: 'Códigos locais do sistema (lista: especies ou hipoteses) e o mapeamento de cada um (?formato=csv)', roles: READERS },
  { method: 'POST', route: '/sistemas/:id/mapeamentos/:lista', summary: 'Importa os códigos locais do sistema (CSV codigo;nome[;federacao])', roles: ['admin', 'participante'], bodyMedia: 'text/csv' },
  { method: 'GET', route: '/sistemas/:id/mapeamentos/:lista/sugestoes', summary: 'Sugestões por semelhança do nome para os códigos sem mapeamento', roles: READERS },
  { method: 'GET', route: '/sistemas/:id/mapeamentos/:lista/cobertura', summary: 'Códigos locais sem mapeamento e códigos da federação sem código local', roles: READERS },
  { method: 'PUT', route: '/sistemas/:id/mapeamentos/:lista/codigos/:codigo', summary: 'Confirma ou remove o mapeamento de um código local (um para um)', roles: ['admin', 'participante'], body: adminBodies.mapeamento },
  { method: 'GET', route: '/sistemas/:id/mapeamentos/:lista/codigos/:codigo/historico', summary: 'Histórico do mapeamento de um código local', roles: READERS },
  { method: 'GET', route: '/sistemas/:id/webhook', summary: 'A URL de webhook do sistema (notificações de pendências)', roles: READERS },
  { method: 'PUT', route: '/sistemas/:id/webhook', summary: 'Define ou remove (url null) a URL de webhook do sistema; conferida contra SSRF', roles: ['admin', 'participante'], body: adminBodies.webhook },
  { method: 'GET', route: '/webhooks/mortos', summary: 'Notificações não entregues depois de todas as tentativas (o papel participante: só dos seus sistemas)', roles: READERS },
  { method: 'POST', route: '/webhooks/mortos/:id/reenvio', summary: 'Reenvia uma notificação morta, com novas tentativas', roles: ['admin', 'participante'] },
  { method: 'POST', route: '/convites', summary: 'Cria um convite de adesão de uso único', roles: ADMIN, body: adminBodies.convite },
  { method: 'GET', route: '/adesoes', summary: 'Pedidos de adesão (?situacao=)', roles: FEDERATION_READERS },
  { method: 'GET', route: '/adesoes/:id{[0-9]+}', summary: 'Um pedido de adesão', roles: FEDERATION_READERS },
  { method: 'POST', route: '/adesoes/:id{[0-9]+}/aprovacao', summary: 'Aprova um pedido de adesão', roles: ADMIN, body: adminBodies.motivoOpcional },
  { method: 'POST', route: '/adesoes/:id{[0-9]+}/recusa', summary: 'Recusa um pedido de adesão', roles: ADMIN, body: adminBodies.motivo },
  { method: 'GET', route: `/listas/${LISTA}`, summary: 'Uma lista de códigos: espécies documentais, hipóteses legais ou motivos de urgência', roles: READERS },
  {
    method: 'POST',
    route: `/listas/${LISTA}`,
    summary: 'Inclui uma entrada na lista (um código nunca se reutiliza; motivos só no fim)',
    roles: ADMIN,
    body: adminBodies.entradaDeLista,
  },
  {
    method: 'PATCH',
    route: `/listas/${LISTA}/:codigo{[0-9]+}`,
    summary: 'Renomeia uma espécie ou hipótese, ou muda a situação de uma hipótese (nada se remove; 179 "Anexo" fica)',
    roles: ADMIN,
    body: adminBodies.alteracaoDeLista,
  },
  { method: 'GET', route: `/listas/${LISTA}/historico`, summary: 'Histórico de uma lista (?codigo=, ?limite=), do mais recente', roles: READERS },
  { method: 'GET', route: '/openapi.json', summary: 'Este documento', roles: READERS },
];

/** `/participantes/:cnpj/:acao{a|b}` → `/participantes/{cnpj}/{acao}` and its parameters. */
function openApiPath(route: string) {
  const parameters: { name: string; in: 'path'; required: true; schema: Record<string, unknown> }[] = [];
  const path = route.replace(/:([a-zA-Z]+)(\{([^}]*)\})?/g, (_m, name: string, _p, pattern?: string) => {
    const schema: Record<string, unknown> = { type: 'string' };
    // `a|b` or `(?:a|b)` (grouped, so the router anchors every alternative): an enum
    if (pattern && /^(?:[a-z|]+|\(\?:[a-z|]+\))$/.test(pattern)) schema.enum = pattern.replace(/^\(\?:|\)$/g, '').split('|');
    else if (pattern) schema.pattern = `^${pattern}$`;
    parameters.push({ name, in: 'path', required: true, schema });
    return `{${name}}`;
  });
  return { path, parameters };
}

const problem = {
  description: 'Recusa: application/problem+json com `code` estável, `codigoErro` e `detail` em português',
  content: { 'application/problem+json': { schema: { type: 'object', properties: { code: { type: 'string' }, codigoErro: { type: 'string' }, detail: { type: 'string' } } } } },
};

/** The OpenAPI 3.1 document of `/admin/api`, from ADMIN_OPERATIONS and their zod schemas. */
export function adminOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of ADMIN_OPERATIONS) {
    const { path, parameters } = openApiPath(op.route);
    paths[path] ??= {};
    paths[path]![op.method.toLowerCase()] = {
      summary: op.summary,
      description: `Papéis: ${op.roles.join(', ')}.`,
      'x-papeis': op.roles,
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(op.body, { io: 'input', unrepresentable: 'any' }) } } } } : {}),
      ...(op.bodyMedia ? { requestBody: { required: true, content: { [op.bodyMedia]: { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } } } } } : {}),
      responses: { '200': { description: 'Sucesso (201 quando algo é criado)' }, '400': problem, '401': problem, '403': problem, '404': problem, '409': problem },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Elo — API de administração', version: '1', description: `Token Bearer de um dos papéis: ${ADMIN_ROLES.join(', ')} (README "Sistemas e papéis").` },
    servers: [{ url: '/admin/api' }],
    components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
    security: [{ token: [] }],
    paths,
  };
}
