import { functionEnvironment, MAIL_SETTINGS, SECRET_SETTINGS } from '#infra/function-environment';
import { createFunctionRuntime, type FunctionRuntime } from '#infra/local/function-runtime';
import type { LocalSecrets } from '#infra/local/local-secrets';
import { allFunctions, type FunctionDeclaration, timeoutOf } from '#infra/routes';
import type { LocalQueue } from '#infra/local/sqs';
import { SETTING_NAMES } from '#shared/platform/config';
import { tables } from '#shared/data/tables';

/** Where the local functions' settings come from: what the stack would set, with local values. */
export interface LocalSources {
  /** Settings every function gets. */
  common: Record<string, string>;
  /** Physical table names, by the table's logical name. */
  tables: Record<string, string>;
  /** Settings of the functions that send email. */
  mail: Record<string, string>;
  /** The SQS emulator's queues, by the queue's logical name. */
  queues: Record<string, LocalQueue>;
}

/** Settings that only some functions get: never passed to all from the developer's shell. */
const PER_FUNCTION = new Set<string>([
  ...tables.map((table) => table.envVar),
  ...Object.values(SECRET_SETTINGS).flatMap(({ aws, local }) => [aws, local]),
  ...MAIL_SETTINGS,
]);

/**
 * The local sources: the stage's fixed values, then any common setting the developer set in the shell
 * (BCRYPT_COST=4 in tests, ALLOWED_ORIGINS…), as `cdk deploy -c` would set them for a stage.
 */
export function localSources(options: {
  shell: Record<string, string | undefined>;
  dynamodbEndpoint: string;
  sesEndpoint: string;
  /** Where the local stack serves the browser client (APP_URL in the shell wins). */
  appUrl: string;
  /**
   * The origin passkeys are bound to: the same client at http://localhost:<port>, since WebAuthn takes a
   * domain name, never an IP address (RP_ID and RP_ORIGIN in the shell win).
   */
  passkeyOrigin: string;
  tableName(table: { name: string }): string;
  queues: Record<string, LocalQueue>;
}): LocalSources {
  const fromShell = (names: readonly string[]) =>
    Object.fromEntries(
      names
        .map((name) => [name, options.shell[name]])
        .filter((entry): entry is [string, string] => !!entry[1]),
    );
  return {
    common: {
      STAGE: 'local',
      DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
      // CloudWatch metrics (EMF lines) mean nothing locally; the audit log lines stay.
      POWERTOOLS_METRICS_DISABLED: 'true',
      RP_ID: new URL(options.passkeyOrigin).hostname,
      RP_ORIGIN: options.passkeyOrigin,
      APP_URL: options.appUrl,
      // DYNAMODB_ENDPOINT too is the stack's to give: it read the shell's already, and may put its journal
      // in front of it (infra/local/dynamodb-journal.ts).
      ...fromShell(
        SETTING_NAMES.filter(
          (name) => !PER_FUNCTION.has(name) && name !== 'STAGE' && name !== 'DYNAMODB_ENDPOINT',
        ),
      ),
      ...fromShell(['POWERTOOLS_METRICS_DISABLED', 'NODE_OPTIONS']),
    },
    tables: Object.fromEntries(tables.map((table) => [table.name, options.tableName(table)])),
    mail: { ...fromShell(MAIL_SETTINGS), SES_ENDPOINT: options.sesEndpoint },
    queues: options.queues,
  };
}

export function localEnvironment(
  fn: FunctionDeclaration,
  sources: LocalSources,
  secrets: LocalSecrets,
): Record<string, string> {
  return functionEnvironment(fn, {
    common: sources.common,
    tableName: (table) => {
      const name = sources.tables[table.name];
      if (!name) throw new Error(`no local table for ${table.name}`);
      return name;
    },
    secret: (name) => {
      const setting = SECRET_SETTINGS[name].local as keyof LocalSecrets;
      return [setting, secrets[setting]];
    },
    mail: sources.mail,
    queueUrl: (queue) => {
      const local = sources.queues[queue.name];
      if (!local) throw new Error(`no local queue for ${queue.name}`);
      return local.url;
    },
  });
}

/** One declared function as its own local Lambda: its handler file, its environment, its time limit. */
export function localFunctionRuntime(
  fn: FunctionDeclaration,
  sources: LocalSources,
  secrets: LocalSecrets,
  overrides: Record<string, string> = {},
): FunctionRuntime {
  return createFunctionRuntime({
    functionName: fn.name,
    moduleUrl: new URL(`../../functions/${fn.name}.ts`, import.meta.url).href,
    environment: { ...localEnvironment(fn, sources, secrets), ...overrides },
    timeoutSeconds: timeoutOf(fn),
    memoryMb: fn.memoryMb,
  });
}

/** Every declared function, by name. */
export function startLocalFunctions(
  sources: LocalSources,
  secrets: LocalSecrets,
): Map<string, FunctionRuntime> {
  return new Map(allFunctions().map((fn) => [fn.name, localFunctionRuntime(fn, sources, secrets)]));
}
