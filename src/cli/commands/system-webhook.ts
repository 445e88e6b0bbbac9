import { webhookRegistration } from '../../services/webhooks.ts';
import { systemTimers } from '../../runtime/hub.ts';
import { webhookDepsFromConfig } from '../../runtime/webhook-transport.ts';
import { dataDirCommand } from '../data-dir-command.ts';
import { EXIT_OK, EXIT_USAGE } from '../io.ts';

/** `elo system webhook`: a system's webhook URL (README "Notificações por webhook"), the same service as the administration API. */
const OPERATOR = 'cli';

export const runSystemWebhook = dataDirCommand(
  `Uso: elo system webhook --id ID [--url URL | --remover] [--json]

Mostra, define ou remove a URL de webhook de um sistema: a cada nova pendência dele, o hub envia
ali uma notificação JSON assinada (sem conteúdo do processo) dizendo para consultar
tramites/pendentes. A URL deve ser https e levar a endereço público (loopback, link-local, redes
privadas, CGNAT e ULA são recusados, salvo os blocos em ELO_WEBHOOK_ALLOW).`,
  { id: { type: 'string' }, url: { type: 'string' }, remover: { type: 'boolean' } },
  async ({ values, io, store, config }) => {
    if (!values.id) {
      io.err('Informe --id ID do sistema. Veja "elo system webhook --help".');
      return EXIT_USAGE;
    }
    if (values.url !== undefined && values.remover) {
      io.err('Use --url URL para definir ou --remover para apagar, não os dois.');
      return EXIT_USAGE;
    }
    const service = webhookRegistration({ store, clock: { now: () => new Date() }, webhooks: webhookDepsFromConfig(config, systemTimers) });
    const r =
      values.url !== undefined || values.remover
        ? await service.set(values.id as string, { url: values.remover ? null : values.url }, OPERATOR)
        : await service.get(values.id as string);
    if (values.json) io.out(JSON.stringify(r, null, 2));
    else if (r.url) io.out(`Webhook do sistema "${r.sistema}": ${r.url} (definido por ${r.definidoPor} em ${r.definidoEm}).`);
    else io.out(`O sistema "${r.sistema}" não tem webhook: ele acompanha as pendências só por tramites/pendentes.`);
    return EXIT_OK;
  },
  { existing: true },
);
