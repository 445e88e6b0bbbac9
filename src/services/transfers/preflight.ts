import { unpackPlan } from '../../domain/component-plan.ts';
import { EloError } from '../../domain/errors.ts';
import type { Caller } from '../../domain/identity.ts';
import type { ProcessoOutline } from '../../domain/nre-rules.ts';
import type { CapabilityService } from '../capabilities.ts';
import type { CodeListMappingService } from '../code-list-mappings/code-list-mapping-service.ts';
import type { ServiceDeps } from '../deps.ts';
import { recipientProblems } from './recipient-checks.ts';
import { openTramiteError, toUnit, type startService } from './start.ts';
import { workflowDecisions } from './workflow.ts';

export interface PreflightProblem {
  codigo: string;
  codigoErro: string;
  mensagem: string;
}

/**
 * Preflight (README "Pré-verificação"): every reason a `tramites/processo` start of this package
 * by this caller would be refused now, or would fail at the recipient, each with its code and
 * Portuguese message, and nothing stored. The start's own checks run as they are (sender,
 * destination with its participant and successor, the hub's sizes and storage, the NRE's rules,
 * an open trâmite of the NRE); then what the recipient system declared or mapped
 * (recipient-checks.ts), which only preflight reads. A body that does not parse or validate is
 * the one reason: nothing else can be checked without it.
 */
export function preflightService(
  deps: ServiceDeps,
  start: ReturnType<typeof startService>,
  recipient: { capabilities: CapabilityService; codes: CodeListMappingService },
) {
  const { tramites } = deps.store;
  const workflow = workflowDecisions(deps);

  return {
    async check(input: { caller: Caller; rawBody: Uint8Array }): Promise<{ problems: PreflightProblem[] }> {
      const problems: PreflightProblem[] = [];
      const check = async <T>(fn: () => Promise<T> | T): Promise<T | null> => {
        try {
          return await fn();
        } catch (e) {
          if (!(e instanceof EloError)) throw e;
          problems.push({ codigo: e.code, codigoErro: e.codigoErro, mensagem: e.mensagem });
          return null;
        }
      };
      const analysed = await check(() => start.analyse(input.rawBody, 'processo'));
      if (!analysed) return { problems };
      const { raw, analysis } = analysed;
      const { cabecalho } = analysis;
      let outline: ProcessoOutline | undefined;
      const outlineOf = () => (outline ??= JSON.parse(analysis.processoOutline) as ProcessoOutline);
      await check(() => start.requireSender(input.caller, toUnit(cabecalho.remetente)));
      const destination = await check(() => start.resolveDestination(toUnit(cabecalho.destinatario)));
      await check(() => start.requireDeclaredSizes(analysis.largestComponent));
      await check(() => start.requireRoom(raw.byteLength, 'tramite'));
      const nre = cabecalho.NRE;
      // the NRE may be sent on by this caller (rules and holders): only then is its story used below
      const nreUsable = nre
        ? (await check(async () => {
            await start.checkNre(input.caller, nre, outlineOf);
            const open = (await tramites.query({ nre })).find((t) => workflow.wf.open.includes(t.situacao));
            if (open) throw openTramiteError({ idt: open.idt, situacao: open.situacao, nre });
            return true;
          })) === true
        : false;
      if (!destination) return { problems };

      const receiver = destination.receiverSystemId;
      let omitted = 0;
      if (nre && nreUsable && cabecalho.enviarApenasComponentesDigitaisPendentes) {
        const held = await start.heldByRecipient(nre, receiver);
        omitted = unpackPlan(analysis.plan).components.filter((c) => held.has(c.hash)).length;
      }
      const names = async (lista: 'especies' | 'hipoteses') => new Map((await recipient.codes.federation(lista)).map((f) => [f.codigo, f.nome]));
      const found = recipientProblems(outlineOf(), {
        recipient: receiver,
        caps: await recipient.capabilities.of(receiver),
        especies: { ...(await recipient.codes.mappedCodes(receiver, 'especies')), names: await names('especies') },
        hipoteses: { ...(await recipient.codes.mappedCodes(receiver, 'hipoteses')), names: await names('hipoteses') },
        omittedByEnvioParcial: omitted,
      });
      for (const e of found) problems.push({ codigo: e.code, codigoErro: e.codigoErro, mensagem: e.mensagem });
      return { problems };
    },
  };
}
