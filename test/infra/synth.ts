import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { checkWithCdkNag } from '#infra/nag';
import { PistusStack } from '#infra/pistus-stack';
import { parseStackSettings, type StackSettings } from '#infra/stack-settings';

/**
 * Synthesizes without bundling (no esbuild run per function), which is all these assertions need, with
 * cdk-nag's AwsSolutions pack on, as every real synth has it: an unacknowledged finding throws here.
 */
export function synth(
  context: Record<string, string> = {},
  env?: { account: string; region: string },
): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  checkWithCdkNag(app);
  // prod refuses the placeholder sender: its tests name one, as a prod deploy must.
  const sender =
    context.stage === 'prod'
      ? { senderEmail: 'payments@pistus.example', appUrl: 'https://app.pistus.example' }
      : {};
  const settings: StackSettings = parseStackSettings({ ...sender, ...context });
  return Template.fromStack(new PistusStack(app, 'Test', { settings, ...(env ? { env } : {}) }));
}
