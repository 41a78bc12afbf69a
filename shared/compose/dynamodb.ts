import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigError, type Settings } from '#shared/platform/config';
import { createDocumentClient } from '#shared/data/dynamodb';
import { traced } from '#shared/aws/tracing';
import type { TableDeclaration } from '#shared/data/tables';

let client: DynamoDBDocumentClient | undefined;

/** The container's one document client, so every table adapter shares its warm connections. */
export function documentClient(config: Settings): DynamoDBDocumentClient {
  client ??= traced(createDocumentClient(config.DYNAMODB_ENDPOINT));
  return client;
}

/**
 * The physical name of a table this function uses. Each function is given only its own tables' names
 * (infra/function-environment.ts), so asking for another one is a configuration error named at cold start.
 */
export function tableName(config: Settings, table: TableDeclaration): string {
  const name = config[table.envVar];
  if (!name) {
    throw new ConfigError(
      `Invalid configuration: ${table.envVar}: this function uses the ${table.name} table but was not given its name`,
    );
  }
  return name;
}
