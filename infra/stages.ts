import { Annotations, type App } from 'aws-cdk-lib';
import { PistusStack } from '#infra/pistus-stack';
import { deployProblems, readStackSettings, STAGES } from '#infra/stack-settings';

/**
 * The app's stacks: `Pistus-dev` and `Pistus-prod`, so `cdk ls` shows both and `cdk deploy Pistus-prod`
 * names what it deploys; `-c stage=<stage>` builds that one alone (the scripts' way). A stage that cannot
 * be deployed as configured (prod with the placeholder sender) carries an error: the CDK CLI refuses to
 * synthesize or deploy that stack, naming the setting, and the other stage is unaffected.
 */
export function addStages(app: App): PistusStack[] {
  const context = app.node.getAllContext();
  const stages = context.stage === undefined ? STAGES : [context.stage];
  return stages.map((stage) => {
    const settings = readStackSettings({ ...context, stage });
    const stack = new PistusStack(app, `Pistus-${settings.stage}`, {
      settings,
      env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
      description: `Pistus accounts, sessions and registrations (${settings.stage})`,
    });
    for (const problem of deployProblems(settings)) Annotations.of(stack).addError(problem);
    return stack;
  });
}
