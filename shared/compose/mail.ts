import { createSesClient, createSesMailer } from '#shared/aws/mailer';
import { traced } from '#shared/aws/tracing';
import type { Settings } from '#shared/platform/config';
import type { Mailer } from '#shared/platform/mailer';

let mailer: Mailer | undefined;

/**
 * The container's one SES mailer (SES's emulator locally), paced at the configured sending rate, or at its
 * share of it when `shareOf` containers send at once (the reminder senders).
 */
export function sesMailer(config: Settings, { shareOf = 1 }: { shareOf?: number } = {}): Mailer {
  mailer ??= createSesMailer({
    client: traced(createSesClient({ endpoint: config.SES_ENDPOINT })),
    sender: config.SES_SENDER,
    maxPerSecond: config.SES_MAX_SEND_RATE / shareOf,
    configurationSet: config.SES_CONFIGURATION_SET,
  });
  return mailer;
}
