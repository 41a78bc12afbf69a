import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

/** A deployed stack's outputs, by key. */
export async function stackOutputs(stackName: string): Promise<Record<string, string>> {
  const { Stacks } = await new CloudFormationClient({}).send(
    new DescribeStacksCommand({ StackName: stackName }),
  );
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
    USERS_TABLE: 'usersTableName',
    SESSIONS_TABLE: 'sessionsTableName',
    REGISTRATIONS_TABLE: 'registrationsTableName',
    PEPPER_SECRET_ARN: 'PepperSecretArn',
  };
  for (const [env, output] of Object.entries(required)) {
    const value = outputs[output];
    if (!value) throw new Error(`stack ${stackName} has no output ${output}: is it a Pistus stack?`);
    process.env[env] = value;
  }
  process.env.STAGE = stackName.replace(/^Pistus-/, '');
}
