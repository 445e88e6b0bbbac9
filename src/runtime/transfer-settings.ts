import type { TransferSettings } from '../services/deps.ts';
import type { WebhookSettings } from '../services/webhooks.ts';
import type { EloConfig } from './config-schema.ts';

/** The services' settings from the configuration, in their units (bytes, milliseconds): the same on Node and on Workers. */
export function transferSettingsOf(config: EloConfig): TransferSettings {
  return {
    environment: config.environment,
    maxJsonBytes: config.maxJsonMb * 1_048_576,
    ...(config.sealMaxMetadataMb > 0 ? { sealMaxMetadataBytes: config.sealMaxMetadataMb * 1_048_576 } : {}),
    autoCancelAfterMs: config.autoCancelDays * 86_400_000,
    autoCancelWarningMs: config.autoCancelWarningDays * 86_400_000,
    longPollMs: config.longPollSeconds * 1000,
    maxJsonWaiting: config.maxJsonWaiting,
    certExpiryWarningMs: config.certExpiryWarningDays * 86_400_000,
    maxRequestsPerSystem: config.maxRequestsPerSystem,
    maxLongPollsPerSystem: config.maxLongPollsPerSystem,
    acceptReceiptDateMismatch: config.acceptReceiptDateMismatch,
    maxComponentBytes: config.maxComponentMb * 1_048_576,
    systemQuotaBytes: config.systemQuotaMb * 1_048_576,
    idtFloor: config.idtFloor,
    minFreeBytes: config.minFreeDiskMb * 1_048_576,
    cancelledRetentionMs: config.cancelledRetentionDays * 86_400_000,
    purgeComponentsAfterMs: config.purgeComponentsAfterDays * 86_400_000,
  };
}

/** How webhooks are delivered and retried, from the configuration: the same on Node and on Workers. */
export function webhookSettingsOf(config: EloConfig): WebhookSettings {
  return {
    allowHttp: config.webhookAllowHttp,
    allow: config.webhookAllow,
    maxAttempts: config.webhookMaxAttempts,
    baseDelayMs: config.webhookRetryBaseSeconds * 1000,
    maxDelayMs: config.webhookRetryMaxSeconds * 1000,
    timeoutMs: config.webhookTimeoutSeconds * 1000,
    batch: 20,
    breakerFailures: config.webhookBreakerFailures,
    breakerOpenMs: config.webhookBreakerSeconds * 1000,
  };
}
