import { EXIT_USAGE, processIo, type CliCommand, type CliIo } from './io.ts';

/**
 * Command table: `elo <grupo> [<ação>] …`. Each command lives in its own module under
 * commands/ and is loaded only when called, so `elo start` does not pay for the CA code.
 */
const commands: Record<string, { summary: string; load: () => Promise<CliCommand>; alias?: true }> = {
  start: {
    summary: 'inicia o hub (HTTPS com certificado de cliente) com a configuração embutida',
    load: async () => (await import('./commands/start.ts')).runStart,
  },
  send: {
    summary: '(enviar) envia um processo de uma pasta a um hub, com o certificado do sistema',
    load: async () => (await import('./commands/send.ts')).runSend,
  },
  enviar: { summary: '', alias: true, load: async () => (await import('./commands/send.ts')).runSend },
  receive: {
    summary: '(receber) recebe as pendências do sistema: arquivos, metadados e recibos',
    load: async () => (await import('./commands/receive.ts')).runReceive,
  },
  receber: { summary: '', alias: true, load: async () => (await import('./commands/receive.ts')).runReceive },
  status: {
    summary: '(situacao) mostra a situação de um trâmite pelo IDT ou NRE',
    load: async () => (await import('./commands/tramite.ts')).runStatus,
  },
  situacao: { summary: '', alias: true, load: async () => (await import('./commands/tramite.ts')).runStatus },
  refuse: {
    summary: '(recusar) recusa um trâmite recebido, com motivo e justificativa',
    load: async () => (await import('./commands/tramite.ts')).runRefuse,
  },
  recusar: { summary: '', alias: true, load: async () => (await import('./commands/tramite.ts')).runRefuse },
  cancel: {
    summary: '(cancelar) cancela um trâmite enviado, ainda não concluído',
    load: async () => (await import('./commands/tramite.ts')).runCancel,
  },
  cancelar: { summary: '', alias: true, load: async () => (await import('./commands/tramite.ts')).runCancel },
  robot: {
    summary: '(robo) destinatário de teste para homologação: recebe, confere e conclui, ou recusa se pedido',
    load: async () => (await import('./commands/robot.ts')).runRobot,
  },
  robo: { summary: '', alias: true, load: async () => (await import('./commands/robot.ts')).runRobot },
  demo: {
    summary: 'federação de demonstração num comando: hub, três instâncias simuladas e uma história (--once)',
    load: async () => (await import('./commands/demo.ts')).runDemo,
  },
  'seed demo': {
    summary: 'carrega a federação de demonstração e emite os certificados dos sistemas',
    load: async () => (await import('./commands/seed-demo.ts')).runSeedDemo,
  },
  'ca init': {
    summary: 'garante a AC da federação e, com --intermediaria, cria uma AC intermediária',
    load: async () => (await import('./commands/ca.ts')).runCaInit,
  },
  'ca issue': {
    summary: 'emite certificado de cliente para um sistema (CSR ou chave gerada; --sei para o SEI)',
    load: async () => (await import('./commands/ca.ts')).runCaIssue,
  },
  'ca revoke': {
    summary: 'revoga um certificado de sistema e publica as LCRs',
    load: async () => (await import('./commands/ca.ts')).runCaRevoke,
  },
  'ca crl': {
    summary: 'publica de novo as listas de certificados revogados',
    load: async () => (await import('./commands/ca.ts')).runCaCrl,
  },
  'ca rotate-hub': {
    summary: 'emite novos certificados TLS e de assinatura do hub',
    load: async () => (await import('./commands/ca.ts')).runCaRotateHub,
  },
  'cert list': {
    summary: 'lista os certificados registrados e os dias para expirar',
    load: async () => (await import('./commands/ca.ts')).runCertList,
  },
  'nre importar': {
    summary: 'vincula a um sistema os NREs que ele já detém (arquivo CSV ou JSON exportado do SEI)',
    load: async () => (await import('./commands/nre.ts')).runNreImport,
  },
  'nre liberar': {
    summary: 'desvincula um NRE de todos os sistemas (o próximo remetente pode usá-lo)',
    load: async () => (await import('./commands/nre.ts')).runNreRelease,
  },
  'nre reatribuir': {
    summary: 'vincula um NRE somente ao sistema informado',
    load: async () => (await import('./commands/nre.ts')).runNreReassign,
  },
  'participant add': {
    summary: 'cadastra um participante (órgão ou entidade) pelo CNPJ',
    load: async () => (await import('./commands/participant.ts')).runParticipantAdd,
  },
  'participant list': {
    summary: 'lista os participantes e a situação de cada um',
    load: async () => (await import('./commands/participant.ts')).runParticipantList,
  },
  'participant show': {
    summary: 'mostra um participante e o histórico da situação dele',
    load: async () => (await import('./commands/participant.ts')).runParticipantShow,
  },
  'participant approve': {
    summary: 'aprova um participante pendente',
    load: async () => (await import('./commands/participant.ts')).runParticipantApprove,
  },
  'participant suspend': {
    summary: 'suspende um participante: os sistemas dele são recusados na próxima requisição',
    load: async () => (await import('./commands/participant.ts')).runParticipantSuspend,
  },
  'participant reactivate': {
    summary: 'reativa um participante suspenso',
    load: async () => (await import('./commands/participant.ts')).runParticipantReactivate,
  },
  'participant disconnect': {
    summary: 'desliga um participante da federação, em definitivo',
    load: async () => (await import('./commands/participant.ts')).runParticipantDisconnect,
  },
  'system add': {
    summary: 'cadastra um sistema de um participante e as estruturas pelas quais ele atua',
    load: async () => (await import('./commands/system.ts')).runSystemAdd,
  },
  'system list': {
    summary: 'lista os sistemas, seus participantes e estruturas',
    load: async () => (await import('./commands/system.ts')).runSystemList,
  },
  'system webhook': {
    summary: 'mostra, define ou remove a URL de webhook (notificações de pendências) de um sistema',
    load: async () => (await import('./commands/system-webhook.ts')).runSystemWebhook,
  },
  'system capabilities': {
    summary: 'mostra ou define o que um sistema aceita (tipos, tamanho, envio parcial): só para a pré-verificação',
    load: async () => (await import('./commands/system-capabilities.ts')).runSystemCapabilities,
  },
  'structures import': {
    summary: 'importa a árvore de unidades de um participante (CSV ou JSON)',
    load: async () => (await import('./commands/structures.ts')).runStructuresImport,
  },
  'structures export': {
    summary: 'exporta a árvore de unidades de um participante (CSV ou JSON)',
    load: async () => (await import('./commands/structures.ts')).runStructuresExport,
  },
  'invite create': {
    summary: 'cria um convite de adesão de uso único para um parceiro',
    load: async () => (await import('./commands/onboarding.ts')).runInviteCreate,
  },
  'onboarding list': {
    summary: 'lista os pedidos de adesão (quem espera aprovação)',
    load: async () => (await import('./commands/onboarding.ts')).runOnboardingList,
  },
  'onboarding approve': {
    summary: 'aprova um pedido de adesão: participante, árvore, sistema e certificado',
    load: async () => (await import('./commands/onboarding.ts')).runOnboardingApprove,
  },
  'onboarding refuse': {
    summary: 'recusa um pedido de adesão com um motivo',
    load: async () => (await import('./commands/onboarding.ts')).runOnboardingRefuse,
  },
  'mapping import': {
    summary: 'importa as unidades de um sistema (ou, com --lista, seus tipos de documento ou hipóteses) para mapeamento',
    load: async () => (await import('./commands/mapping.ts')).runMappingImport,
  },
  'mapping suggest': {
    summary: 'sugere estruturas (ou espécies e hipóteses legais) para o que um sistema ainda não mapeou',
    load: async () => (await import('./commands/mapping.ts')).runMappingSuggest,
  },
  'mapping set': {
    summary: 'confirma (ou remove) o mapeamento de uma unidade ou código de um sistema',
    load: async () => (await import('./commands/mapping.ts')).runMappingSet,
  },
  'mapping coverage': {
    summary: 'mostra o que falta mapear de um sistema',
    load: async () => (await import('./commands/mapping.ts')).runMappingCoverage,
  },
  'mapping export': {
    summary: 'exporta o mapeamento de um sistema em CSV',
    load: async () => (await import('./commands/mapping.ts')).runMappingExport,
  },
  'codelist list': {
    summary: 'lista uma lista de códigos (espécies, hipóteses legais, motivos de urgência)',
    load: async () => (await import('./commands/codelist.ts')).runCodeListList,
  },
  'codelist add': {
    summary: 'inclui uma entrada numa lista de códigos (um código nunca se reutiliza)',
    load: async () => (await import('./commands/codelist.ts')).runCodeListAdd,
  },
  'codelist set': {
    summary: 'renomeia uma espécie ou hipótese legal, ou ativa/inativa uma hipótese',
    load: async () => (await import('./commands/codelist.ts')).runCodeListSet,
  },
  'codelist history': {
    summary: 'mostra o histórico de mudanças de uma lista de códigos',
    load: async () => (await import('./commands/codelist.ts')).runCodeListHistory,
  },
  'mapping history': {
    summary: 'mostra o histórico do mapeamento de uma unidade ou código de um sistema',
    load: async () => (await import('./commands/mapping.ts')).runMappingHistory,
  },
  'token create': {
    summary: 'cria um token da API de administração (admin, participante ou monitor)',
    load: async () => (await import('./commands/token.ts')).runTokenCreate,
  },
  'token list': {
    summary: 'lista os tokens da API de administração',
    load: async () => (await import('./commands/token.ts')).runTokenList,
  },
  'token revoke': {
    summary: 'revoga um token da API de administração',
    load: async () => (await import('./commands/token.ts')).runTokenRevoke,
  },
  'cert verify': {
    summary: 'verifica um certificado contra âncoras de confiança (cadeia, validade, uso, LCR)',
    load: async () => (await import('./commands/cert-verify.ts')).runCertVerify,
  },
  verify: {
    summary: 'verifica, sem rede e sem pasta de dados, um dossiê ou pacote assinado do Elo (--trust AC.pem)',
    load: async () => (await import('./commands/verify.ts')).runVerify,
  },
  migrate: {
    summary: 'aplica as migrações pendentes do banco configurado (SQLite ou PostgreSQL)',
    load: async () => (await import('./commands/migrate.ts')).runMigrate,
  },
  'db copy': {
    summary: 'copia um hub embutido (SQLite) para um banco PostgreSQL novo e confere tudo',
    load: async () => (await import('./commands/db.ts')).runDbCopy,
  },
  backup: {
    summary: 'tira uma cópia de segurança consistente (banco, arquivos, pki) com o hub no ar',
    load: async () => (await import('./commands/backup.ts')).runBackup,
  },
  restore: {
    summary: 'restaura uma cópia de segurança numa pasta de dados nova, conferindo cada hash antes',
    load: async () => (await import('./commands/backup.ts')).runRestore,
  },
  'audit verify': {
    summary: 'confere as cadeias de hash do registro de auditoria e os pontos de controle assinados',
    load: async () => (await import('./commands/audit.ts')).runAuditVerify,
  },
};

const width = Math.max(...Object.keys(commands).map((name) => name.length)) + 1;
const listed = () => Object.entries(commands).filter(([, c]) => !c.alias);

export const usage = (): string =>
  [
    'Uso: elo <comando> [opções]',
    '',
    'Comandos:',
    ...listed().map(([name, c]) => `  ${name.padEnd(width)} ${c.summary}`),
    '',
    'Use "elo <comando> --help" para as opções de cada comando.',
  ].join('\n');

const HELP = new Set(['--help', '-h', 'help']);

/** The usage of a group of commands (`elo ca`: init, issue, revoke…), or undefined when `group` names none. */
function groupUsage(group: string): string | undefined {
  const members = listed().filter(([name]) => name.startsWith(`${group} `));
  if (members.length === 0) return undefined;
  return [
    `Uso: elo ${group} <comando> [opções]`,
    '',
    'Comandos:',
    ...members.map(([name, c]) => `  ${name.padEnd(width)} ${c.summary}`),
    '',
    `Use "elo ${group} <comando> --help" para as opções de cada comando.`,
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [first, second, ...rest] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    io.out(usage());
    return first ? 0 : EXIT_USAGE;
  }
  const two = second ? commands[`${first} ${second}`] : undefined;
  const entry = two ?? commands[first];
  if (!entry) {
    // a group of commands (`elo ca`, `elo cert --help`): its own commands, not the whole list
    const group = groupUsage(first);
    if (group && (second === undefined || HELP.has(second))) {
      (second ? io.out : io.err)(group);
      return second ? 0 : EXIT_USAGE;
    }
    if (group) {
      io.err(`Comando desconhecido: "${first} ${second}".\n\n${group}`);
      return EXIT_USAGE;
    }
    io.err(`Comando desconhecido: "${[first, second].filter(Boolean).join(' ')}".\n\n${usage()}`);
    return EXIT_USAGE;
  }
  const args = two ? rest : argv.slice(1);
  const command = await entry.load();
  return command(args, io);
}
