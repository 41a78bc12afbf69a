import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { tables } from '#shared/data/tables';

/** What an operator must set when the AWS SDK cannot find where or who they are, in one sentence. */
function explained(error: unknown, stackName: string): Error {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (/region is missing/i.test(message))
    return new Error(`no AWS region: set AWS_REGION (or an AWS_PROFILE that has one) to reach ${stackName}`);
  if (name === 'CredentialsProviderError' || /credential/i.test(message))
    return new Error(
      `no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) to reach ${stackName}`,
    );
  return error instanceof Error ? error : new Error(message);
}

/** A deployed stack's outputs, by key. */
export async function stackOutputs(stackName: string): Promise<Record<string, string>> {
  const { Stacks } = await new CloudFormationClient({})
    .send(new DescribeStacksCommand({ StackName: stackName }))
    .catch((error: unknown) => {
      throw explained(error, stackName);
    });
  return Object.fromEntries(
    (Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
  );
}

/**
 * Points this process at a deployed stage: the table names and the pepper's ARN come from the stack's
 * outputs, the credentials and region from the usual AWS environment (profile, SSO, role).
 */
export async function useDeployedStack(stackName: string) {
  const outputs = await stackOutputs(stackName);
  const required = {
    // Every table, as an operator with access to the whole stage has them (a deletion reaches most).
    ...Object.fromEntries(tables.map((table) => [table.envVar, `${table.name.replace(/-/g, '')}TableName`])),
    PEPPER_SECRET_ARN: 'PepperSecretArn',
    ACCESS_TOKEN_KEYS_SECRET_ARN: 'AccessTokenKeysSecretArn',
  };
  for (const [env, output] of Object.entries(required)) {
    const value = outputs[output];
    if (!value) throw new Error(`stack ${stackName} has no output ${output}: is it a Pistus stack?`);
    process.env[env] = value;
  }
  process.env.STAGE = stackName.replace(/^Pistus-/, '');
}
