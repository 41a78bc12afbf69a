import { intrinsicResolver, type Deployment } from '#infra/cli/template-resolver';

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** The AwsCustomResource provider (run-on-deploy) is CDK's, runs only in CloudFormation, and reads no settings. */
const isOurs = (logicalId: string) => !logicalId.startsWith('AWS679f53fac002430cb0da5b7982bd2287');

/**
 * SAM's `--env-vars` file for a synthesized template: for each function (by logical id), every variable
 * the template declares, with its `Ref`s resolved to a deployed stage's physical ids. SAM cannot resolve
 * them itself (it passes a secret's logical id where the function expects its ARN), and it ignores any
 * variable the template does not declare, so the file names exactly the template's own variables.
 */
export function samEnvVars(
  template: Template,
  deployment: Deployment,
): Record<string, Record<string, string>> {
  const resolve = intrinsicResolver(deployment);
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([id, resource]) => resource.Type === 'AWS::Lambda::Function' && isOurs(id))
      .map(([id, resource]) => {
        const variables =
          (resource.Properties?.Environment as { Variables?: unknown } | undefined)?.Variables ?? {};
        return [id, resolve(variables) as Record<string, string>];
      }),
  );
}

/**
 * A deployed stage's physical ids, as CloudFormation lists them: `Ref` of a table is its name, of a secret its
 * ARN, of an identity its address. Region and account come from the stack's own ARN.
 */
export function deploymentFrom(
  stackId: string,
  resources: { LogicalResourceId?: string; PhysicalResourceId?: string }[],
): Deployment {
  const [, partition = 'aws', , region = '', account = ''] = stackId.split(':');
  const refs = new Map(
    resources
      .filter((resource) => resource.LogicalResourceId && resource.PhysicalResourceId)
      .map((resource) => [resource.LogicalResourceId as string, resource.PhysicalResourceId as string]),
  );
  return {
    refs,
    attributes: new Map(),
    pseudo: {
      'AWS::Partition': partition,
      'AWS::Region': region,
      'AWS::AccountId': account,
      'AWS::URLSuffix': 'amazonaws.com',
    },
  };
}
