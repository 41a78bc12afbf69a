import type { DynamoAction, FunctionDeclaration, Secret } from '#infra/routes';
import type { TableDeclaration } from '#shared/data/tables';
import type { QueueDeclaration } from '#shared/aws/queues';

/**
 * What each function is given, computed in one place from its declaration (infra/routes.ts): the CDK stack
 * sets exactly this environment and grants exactly these statements, and the local runtime starts each
 * function with the same environment, local values in place of ARNs. A function that would miss a setting
 * on AWS misses it locally too.
 */
export interface EnvironmentSources {
  /** Settings every function gets (stage, cookies, session lifetimes, cost…). */
  common: Record<string, string>;
  tableName(table: TableDeclaration): string;
  /** On AWS the secret's ARN under its `*_ARN` name; locally the value itself under its local name. */
  secret(name: Secret): [setting: string, value: string];
  /** Settings of the functions that send email (sender, rate; the SES endpoint locally). */
  mail: Record<string, string>;
  /** A queue's URL: the stack's `Ref`, the SQS emulator's locally. */
  queueUrl(queue: QueueDeclaration): string;
}

/** The setting through which a function learns each secret: ARN on AWS, the value locally. */
export const SECRET_SETTINGS: Record<Secret, { aws: string; local: string }> = {
  'signing-keys': { aws: 'SIGNING_SECRET_ARN', local: 'SIGNING_KEYS' },
  'password-pepper': { aws: 'PEPPER_SECRET_ARN', local: 'PASSWORD_PEPPER' },
  'mfa-key': { aws: 'MFA_KEY_SECRET_ARN', local: 'MFA_KEY' },
  'mail-key': { aws: 'MAIL_KEY_SECRET_ARN', local: 'MAIL_KEY' },
  'identity-secrets': { aws: 'IDENTITY_SECRETS_ARN', local: 'IDENTITY_PROVIDER_SECRETS' },
  'access-token-keys': { aws: 'ACCESS_TOKEN_KEYS_SECRET_ARN', local: 'ACCESS_TOKEN_KEYS' },
};

/** The settings that belong to some functions only; every other setting is common to all. */
export const MAIL_SETTINGS = [
  'SES_SENDER',
  'SES_MAX_SEND_RATE',
  'SES_CONCURRENCY',
  'SES_ENDPOINT',
  'SES_CONFIGURATION_SET',
  // How many reminder senders share the SES rate.
  'REMINDER_SENDERS',
] as const;

export function functionEnvironment(
  fn: FunctionDeclaration,
  sources: EnvironmentSources,
): Record<string, string> {
  return {
    ...sources.common,
    ...Object.fromEntries(fn.tables.map(({ table }) => [table.envVar, sources.tableName(table)])),
    ...Object.fromEntries(fn.secrets.map((name) => sources.secret(name))),
    ...(fn.sendsEmail ? sources.mail : {}),
    ...Object.fromEntries((fn.sendsTo ?? []).map((queue) => [queue.envVar, sources.queueUrl(queue)])),
  };
}

/** One IAM statement, with its resources still abstract: the stack turns them into ARNs. */
export type GrantStatement =
  | { kind: 'table'; table: TableDeclaration; actions: string[] }
  | { kind: 'indexes'; table: TableDeclaration; indexes: readonly string[]; actions: string[] }
  | { kind: 'secret'; secret: Secret; actions: string[] }
  | { kind: 'sender'; actions: string[] }
  | { kind: 'queue'; queue: QueueDeclaration; actions: string[] };

export function grantStatements(fn: FunctionDeclaration): GrantStatement[] {
  const statements: GrantStatement[] = [];
  for (const grant of fn.tables) {
    // Item actions on the table itself; Query only on the indexes named, never on the base table.
    const itemActions = grant.actions.filter((action: DynamoAction) => action !== 'Query');
    if (itemActions.length)
      statements.push({
        kind: 'table',
        table: grant.table,
        actions: itemActions.map((a) => `dynamodb:${a}`),
      });
    if (grant.actions.includes('Query'))
      statements.push({
        kind: 'indexes',
        table: grant.table,
        indexes: grant.indexes ?? [],
        actions: ['dynamodb:Query'],
      });
  }
  for (const secret of fn.secrets)
    statements.push({
      kind: 'secret',
      secret,
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    });
  if (fn.sendsEmail) statements.push({ kind: 'sender', actions: ['ses:SendEmail', 'ses:SendRawEmail'] });
  // SendMessageBatch is authorized as sqs:SendMessage. Receiving is the event source mapping's (its grant is
  // added where the mapping is made), never the code's.
  for (const queue of fn.sendsTo ?? [])
    statements.push({ kind: 'queue', queue, actions: ['sqs:SendMessage'] });
  return statements;
}
