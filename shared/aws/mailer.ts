import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { createRateLimiter } from '#shared/platform/concurrency';
import type { Mailer } from '#shared/platform/mailer';

/**
 * SES (v1 SendEmail). Throttling is retried by the SDK's standard retry strategy, with exponential back-off
 * and jitter, up to `maxAttempts`; what still fails is the caller's to count and retry on the next run.
 */
export function createSesClient(options: { endpoint?: string; maxAttempts?: number } = {}): SESClient {
  return new SESClient({
    maxAttempts: options.maxAttempts ?? 6,
    // An SES call that hangs is abandoned and retried, never left to run into the job's own timeout.
    requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 },
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
}

export function createSesMailer(options: {
  client: SESClient;
  sender: string;
  maxPerSecond: number;
  /** The configuration set whose event destination reports bounces and complaints (AWS only). */
  configurationSet?: string;
}): Mailer {
  const acquire = createRateLimiter(options.maxPerSecond);
  return {
    async send({ to, subject, text, html }) {
      await acquire();
      await options.client.send(
        new SendEmailCommand({
          Source: options.sender,
          ...(options.configurationSet ? { ConfigurationSetName: options.configurationSet } : {}),
          Destination: { ToAddresses: [to] },
          Message: {
            Subject: { Data: subject, Charset: 'UTF-8' },
            Body: { Text: { Data: text, Charset: 'UTF-8' }, Html: { Data: html, Charset: 'UTF-8' } },
          },
        }),
      );
    },
  };
}
