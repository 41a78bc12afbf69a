import { App } from 'aws-cdk-lib';
import { checkWithCdkNag } from '#infra/nag';
import { PistusStack } from '#infra/pistus-stack';
import { parseStackSettings } from '#infra/stack-settings';

const app = new App();
checkWithCdkNag(app);
const settings = parseStackSettings(app.node.getAllContext());
new PistusStack(app, `Pistus-${settings.stage}`, {
  settings,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `Pistus accounts, sessions and registrations (${settings.stage})`,
});
app.synth();
