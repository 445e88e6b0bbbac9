import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../domain/clock.ts';
import { OPEN_SITUACOES, Situacao } from '../domain/situacao.ts';
import type { FreeSpace, Log } from '../services/deps.ts';
import type { Metrics } from '../services/metrics.ts';
import type { Store } from '../store/index.ts';

const DAY = 86_400_000;
/** The stuck thresholds the alert rules use (ops/prometheus/alertas.yml). */
export const STUCK_MINUTES = [60, 90] as const;
/** Methods counted by name; anything else is 'outro' (a client may send any token as a method). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const SITUACOES = Object.values(Situacao) as number[];

export interface MetricsSources {
  store: Store;
  clock: Clock;
  log: Log;
  freeSpace: FreeSpace;
  minFreeBytes: number;
  certExpiryWarningMs: number;
  /** The hub's own certificates, by kind (PEM files read at each scrape: a renewal shows at once). */
  hubCertificateFiles: { tipo: 'hub_tls' | 'hub_assinatura'; file: string }[];
}

export interface HubMetrics {
  /** The port the services and http/ count through. */
  metrics: Metrics;
  /** The exposition text (Prometheus text format 0.0.4), the gauges read from the store first. */
  render(): Promise<{ contentType: string; body: string }>;
  /** Every metric name this hub exports (the alert rules' test checks against it). */
  names(): string[];
}

/**
 * prom-client behind the `Metrics` port (README "Operação"). A registry of its own per hub, so
 * two hubs in one process (tests) never share counters. Labels come from closed sets or route
 * templates: `rota` is the matched route path, `metodo` one of METHODS or 'outro', `status` a
 * number 100–599, `situacao` 1–10, `direcao` entrada/saida, `tipo` a certificate kind.
 */
export function hubMetrics(src: MetricsSources): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'elo_http_requisicoes_total',
    help: 'Requisições HTTP respondidas, por rota (modelo da rota, nunca o endereço cru), método e status.',
    labelNames: ['rota', 'metodo', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'elo_http_duracao_segundos',
    help: 'Duração das requisições HTTP, por rota e método.',
    labelNames: ['rota', 'metodo'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10, 30, 120, 300],
    registers: [registry],
  });
  const tramites = new Gauge({ name: 'elo_tramites', help: 'Trâmites por situação (1 a 10).', labelNames: ['situacao'] as const, registers: [registry] });
  const stuck = new Gauge({
    name: 'elo_tramites_parados',
    help: 'Trâmites em situação aberta (1 a 4) sem mudança há mais de `limite_minutos` minutos.',
    labelNames: ['limite_minutos'] as const,
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'elo_componentes_bytes_total',
    help: 'Bytes de componentes digitais aceitos do remetente (entrada) e entregues ao destinatário (saida).',
    labelNames: ['direcao'] as const,
    registers: [registry],
  });
  const receipts = new Counter({
    name: 'elo_recibos_conclusao_recusados_total',
    help: 'Recibos de conclusão de trâmite recusados (assinatura ou data que não conferem).',
    registers: [registry],
  });
  const attempts = new Counter({ name: 'elo_webhook_tentativas_total', help: 'Tentativas de entrega de webhooks.', registers: [registry] });
  const failures = new Counter({
    name: 'elo_webhook_falhas_total',
    help: 'Tentativas de entrega de webhooks que falharam, por motivo.',
    labelNames: ['motivo'] as const,
    registers: [registry],
  });
  const dead = new Counter({ name: 'elo_webhook_cartas_mortas_total', help: 'Entregas de webhook abandonadas após a última tentativa.', registers: [registry] });
  const certDays = new Gauge({
    name: 'elo_certificado_dias_para_expirar_minimo',
    help: 'Dias até expirar o certificado ativo que expira primeiro, por tipo (sistema, hub_tls, hub_assinatura).',
    labelNames: ['tipo'] as const,
    registers: [registry],
  });
  const certExpiring = new Gauge({
    name: 'elo_certificados_expirando',
    help: 'Certificados ativos de sistemas dentro da janela de aviso de expiração (ELO_CERT_EXPIRY_WARNING_DAYS).',
    registers: [registry],
  });
  const free = new Gauge({ name: 'elo_disco_livre_bytes', help: 'Bytes livres no volume da pasta de dados.', registers: [registry] });
  const minFree = new Gauge({ name: 'elo_disco_minimo_bytes', help: 'Espaço livre abaixo do qual envios são recusados (ELO_MIN_FREE_DISK_MB).', registers: [registry] });
  const scrapeOk = new Gauge({ name: 'elo_metricas_coleta_ok', help: '1 quando a última leitura do banco para as métricas deu certo, 0 senão.', registers: [registry] });
  // series that exist from the start, so alerts and rate() see them before the first event
  for (const d of ['entrada', 'saida']) bytes.inc({ direcao: d }, 0);
  for (const m of ['http', 'rede', 'tempo', 'outro']) failures.inc({ motivo: m }, 0);

  const safe = (fn: () => void) => {
    try {
      fn();
    } catch {
      // a metric never fails what it counts
    }
  };
  const metrics: Metrics = {
    httpRequest: (route, method, status, seconds) =>
      safe(() => {
        const metodo = METHODS.has(method) ? method : 'outro';
        const rota = route.slice(0, 200) || 'desconhecida';
        requests.inc({ rota, metodo, status: String(Number.isInteger(status) && status >= 100 && status < 600 ? status : 0) });
        duration.observe({ rota, metodo }, Math.max(0, seconds));
      }),
    componentBytes: (direction, n) => safe(() => bytes.inc({ direcao: direction }, Math.max(0, n))),
    completionReceiptRejected: () => safe(() => receipts.inc()),
    webhookAttempt: () => safe(() => attempts.inc()),
    webhookFailure: (motivo) => safe(() => failures.inc({ motivo })),
    webhookDeadLetter: () => safe(() => dead.inc()),
  };

  async function refresh(): Promise<void> {
    const now = src.clock.now().getTime();
    try {
      const all = await src.store.tramites.countBySituacao();
      for (const s of SITUACOES) tramites.set({ situacao: String(s) }, all.get(s as Situacao) ?? 0);
      for (const minutes of STUCK_MINUTES) {
        const idle = await src.store.tramites.countBySituacao(new Date(now - minutes * 60_000).toISOString());
        stuck.set({ limite_minutos: String(minutes) }, OPEN_SITUACOES.reduce((n, s) => n + (idle.get(s) ?? 0), 0));
      }
      const active = (await src.store.registry.listCertificates()).filter((c) => c.status === 'active');
      const left = active.map((c) => new Date(c.notAfter).getTime() - now);
      if (left.length) certDays.set({ tipo: 'sistema' }, Math.floor(Math.min(...left) / DAY));
      certExpiring.set(left.filter((ms) => ms <= src.certExpiryWarningMs).length);
      scrapeOk.set(1);
    } catch (e) {
      scrapeOk.set(0);
      src.log({ level: 'error', event: 'metricas.coleta_falhou', data: { mensagem: e instanceof Error ? e.message : String(e) } });
    }
    for (const { tipo, file } of src.hubCertificateFiles) {
      try {
        if (existsSync(file)) certDays.set({ tipo }, Math.floor((new Date(new X509Certificate(readFileSync(file)).validTo).getTime() - now) / DAY));
      } catch {
        // an unreadable certificate file shows as a missing series, and the hub's start check names it
      }
    }
    try {
      free.set(await src.freeSpace());
    } catch {
      // statfs failing leaves the last reading
    }
    minFree.set(src.minFreeBytes);
  }

  return {
    metrics,
    async render() {
      await refresh();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    names: () => registry.getMetricsAsArray().map((m) => m.name),
  };
}
