import type { Statement } from './template.ts';

/**
 * IAM as AWS evaluates a function's identity policy, for the calls this product makes: an explicit Deny
 * wins, else some Allow must match both the action and the resource (with `*` and `?` wildcards).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
export interface Access {
  action: string;
  resource: string;
}

const wildcard = (pattern: string, flags = '') =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    flags,
  );

const matches = (statement: Statement, { action, resource }: Access) =>
  // Action names are case-insensitive in IAM; resources are not.
  statement.Action.some((pattern) => wildcard(pattern, 'i').test(action)) &&
  statement.Resource.some((pattern) => wildcard(pattern).test(resource));

export function isAllowed(statements: readonly Statement[], access: Access): boolean {
  if (statements.some((statement) => statement.Effect === 'Deny' && matches(statement, access))) return false;
  return statements.some((statement) => statement.Effect === 'Allow' && matches(statement, access));
}

const tableArn = (prefix: string, table: string) =>
  table.startsWith('arn:') ? table : `${prefix}table/${table}`;

/**
 * What one DynamoDB request asks IAM for: each table of a batch, each item of a transaction, the index
 * ARN for a Query or Scan of an index.
 */
export function dynamodbAccess(
  operation: string,
  body: Record<string, unknown>,
  arnPrefix: string,
): Access[] {
  const table = (name: unknown) => tableArn(arnPrefix, String(name));
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys((body.RequestItems ?? {}) as object).map((name) => ({
        action: `dynamodb:${operation}`,
        resource: table(name),
      }));
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return ((body.TransactItems ?? []) as Record<string, { TableName: string }>[]).flatMap((item) =>
        Object.entries(item).map(([kind, request]) => ({
          action: `dynamodb:${{ Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' }[kind] ?? kind}`,
          resource: table(request.TableName),
        })),
      );
    case 'Query':
    case 'Scan':
      return [
        {
          action: `dynamodb:${operation}`,
          resource: body.IndexName
            ? `${table(body.TableName)}/index/${String(body.IndexName)}`
            : table(body.TableName),
        },
      ];
    default:
      return [{ action: `dynamodb:${operation}`, resource: table(body.TableName) }];
  }
}

/**
 * What one SQS request asks IAM for: the action on the queue its URL names (`SendMessageBatch` is
 * authorized as `sqs:SendMessage`, as AWS documents for the batch actions).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html
 */
export function sqsAccess(operation: string, body: Record<string, unknown>, arnPrefix: string): Access {
  const action = operation.replace(/Batch$/, '');
  const queueName =
    String(body.QueueUrl ?? '')
      .split('/')
      .pop() ?? '';
  return { action: `sqs:${action}`, resource: `${arnPrefix}${queueName}` };
}
