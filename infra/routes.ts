import type { CorsConfiguration } from '#infra/local/cors';
import type { TableDeclaration } from '#shared/data/tables';
import { deadlineContinuationsQueue, type QueueDeclaration, remindersQueue } from '#shared/aws/queues';
import {
  accountTokensTable,
  emailsTable,
  loginAttemptsTable,
  passkeysTable,
  registrationsTable,
  sessionsTable,
  suppressionsTable,
  usersTable,
} from '#shared/data/tables';

/**
 * The functions, declared once as data. The CDK stack builds one Lambda function per entry with exactly the
 * table actions and indexes listed here, and routes the keys to it; the local runtime serves the same keys
 * with the same handler files, and runs the jobs on the same schedule. Tests check both against this list.
 */
export type DynamoAction =
  'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'BatchWriteItem';
export type Secret = 'signing-keys' | 'password-pepper' | 'mfa-key' | 'mail-key';

export interface TableGrant {
  table: TableDeclaration;
  actions: readonly DynamoAction[];
  /** The indexes a `Query` may read; the base table is never queried. */
  indexes?: readonly string[];
}

export interface FunctionDeclaration {
  /** The handler file is `functions/<name>.ts`, exporting `handler`. */
  name: string;
  tables: readonly TableGrant[];
  secrets: readonly Secret[];
  /** bcrypt is CPU-bound and Lambda's CPU grows with memory: 1769 MB is one full vCPU. */
  memoryMb: number;
  /** Sends email through SES as the configured sender. */
  sendsEmail?: boolean;
  /** Queues it sends messages to: it is given their URLs and `sqs:SendMessage` on them. */
  sendsTo?: readonly QueueDeclaration[];
  /** A queue that invokes it through an event source mapping (Lambda's poller receives and deletes). */
  consumes?: QueueConsumption;
}

export interface QueueConsumption {
  queue: QueueDeclaration;
  /** Messages per invocation. */
  batchSize: number;
  /**
   * The mapping's maximum concurrency (at least 2): a number, or `stage` for the stage's REMINDER_SENDERS
   * setting, which the function is given too, so that each instance paces itself at its share of the rate.
   */
  maximumConcurrency: number | 'stage';
}

/** The mapping's maximum concurrency, `stage` resolved to the stage's REMINDER_SENDERS: for the stack and locally. */
export const mappingConcurrency = (consumes: QueueConsumption, reminderSenders: number): number =>
  consumes.maximumConcurrency === 'stage' ? reminderSenders : consumes.maximumConcurrency;

/** A function that a queue invokes, with its time limit (the queue's visibility timeout is six times it). */
export interface ConsumerDeclaration extends FunctionDeclaration {
  consumes: QueueConsumption;
  timeoutSeconds: number;
}

export interface ApiFunctionDeclaration extends FunctionDeclaration {
  /** API Gateway route keys (`METHOD /path`), or `$default` for whatever no other route matches. */
  routes: readonly string[];
}

export interface JobDeclaration extends FunctionDeclaration {
  /** An EventBridge schedule expression. */
  schedule: string;
  timeoutSeconds: number;
  /** Also run once on every deploy. */
  runOnDeploy: boolean;
}

/** A function that SNS invokes with what a topic receives. */
export interface SubscriberDeclaration extends FunctionDeclaration {
  /** The topic: `mail-feedback` is where SES reports the stack's bounces and complaints. */
  subscribesTo: 'mail-feedback';
}

/** An API function's time limit; API Gateway itself gives up after 30 s. */
export const API_TIMEOUT_SECONDS = 10;
/**
 * Memory, weighed by the cost bench (`npm run bench:cost`, docs/benchmarks.md): Lambda's CPU grows with
 * memory, so a CPU-bound function (bcrypt) costs about the same at any size and answers fastest at one full
 * vCPU; the others wait on DynamoDB most of their time, and 512 MB keeps their CPU part short for a few
 * cents per million requests more than 256 MB; a function that mostly waits (a padded answer, SES's pace,
 * nothing at all) gains nothing from more and gets 256 MB.
 */
const PASSWORD_MEMORY_MB = 1769;
const DEFAULT_MEMORY_MB = 512;
const WAITING_MEMORY_MB = 256;
/** Grants listed by concern, merged per table: one grant per table, its actions and indexes united. */
function merged(...grants: TableGrant[]): TableGrant[] {
  const byTable = new Map<string, TableGrant>();
  for (const grant of grants) {
    const known = byTable.get(grant.table.name);
    const indexes = [...new Set([...(known?.indexes ?? []), ...(grant.indexes ?? [])])];
    byTable.set(grant.table.name, {
      table: grant.table,
      actions: [...new Set([...(known?.actions ?? []), ...grant.actions])],
      ...(indexes.length ? { indexes } : {}),
    });
  }
  return [...byTable.values()];
}

// A session counts only while its user's credentials stand behind it, so resolving one reads the session
// and its user together (BatchGetItem; GetItem for tokens from before the user's key was in them), and
// writes its last activity (UpdateItem, at most once a minute) for the idle timeout.
const readSession: TableGrant[] = [
  { table: sessionsTable, actions: ['GetItem', 'BatchGetItem', 'UpdateItem'] },
  { table: usersTable, actions: ['GetItem', 'BatchGetItem'] },
];
// Ending sessions is one write to the user (a new credential version); the rows are then deleted.
const endSessions: TableGrant[] = [
  ...readSession,
  { table: sessionsTable, actions: ['Query', 'DeleteItem'], indexes: ['byUser'] },
  { table: usersTable, actions: ['UpdateItem'] },
];

// Mailing a verification or reset link: the token (a put replaces the account's older one), and the
// suppression list read first, so an address SES reported bouncing is not mailed again.
const mailLink: TableGrant[] = [
  { table: accountTokensTable, actions: ['PutItem'] },
  { table: suppressionsTable, actions: ['BatchGetItem'] },
];
// Counting what a client or an account asks of the mail (a conditional update, read back when refused).
const countRequests: TableGrant = { table: loginAttemptsTable, actions: ['UpdateItem', 'GetItem'] };
// Using a link's token: read, then a conditional delete (single use).
const useToken: TableGrant = { table: accountTokensTable, actions: ['GetItem', 'DeleteItem'] };

// Every code or password checked counts on the brute-force counters (reserved, then settled or locked).
const bruteForceCounters: TableGrant = {
  table: loginAttemptsTable,
  actions: ['GetItem', 'UpdateItem', 'DeleteItem'],
};

// A security notice mailed to the account's verified address (shared/auth/security-notices.ts): the
// suppression list read first, then SES.
// Every mail also counts on its recipient's hour (shared/auth/recipient-limits.ts), named with the mail key.
// Each lists the account's passkeys as they are then (Query on the byUser index).
const notifies = {
  tables: [
    { table: suppressionsTable, actions: ['BatchGetItem'] },
    countRequests,
    { table: passkeysTable, actions: ['Query'], indexes: ['byUser'] },
  ],
} as const;

/**
 * A signed-in user's TOTP route: the user's item written (offer, enable, disable, codes), the MFA key that
 * seals the secret, where a current code is checked the brute-force counters, and where the second factor
 * changes a notice to the account's address.
 */
const totpRoute = (
  name: string,
  route: string,
  options: { checksCode: boolean; notifies: boolean },
): ApiFunctionDeclaration => ({
  name,
  routes: [route],
  tables: merged(
    ...readSession,
    { table: usersTable, actions: ['UpdateItem'] },
    ...(options.checksCode ? [bruteForceCounters] : []),
    ...(options.notifies ? notifies.tables : []),
  ),
  secrets: ['signing-keys', 'mfa-key', ...(options.notifies ? (['mail-key'] as const) : [])],
  memoryMb: DEFAULT_MEMORY_MB,
  ...(options.notifies ? { sendsEmail: true } : {}),
});

/**
 * A signed-in user's passkey route: the session, what the route does to passkeys and challenges, and, where
 * it adds or removes one, a notice to the account's address.
 */
const passkeyRoute = (
  name: string,
  route: string,
  grants: TableGrant[],
  options: { notifies?: boolean } = {},
): ApiFunctionDeclaration => ({
  name,
  routes: [route],
  tables: merged(...readSession, ...grants, ...(options.notifies ? notifies.tables : [])),
  secrets: ['signing-keys', ...(options.notifies ? (['mail-key'] as const) : [])],
  memoryMb: DEFAULT_MEMORY_MB,
  ...(options.notifies ? { sendsEmail: true } : {}),
});

/** A route that needs a signed-in user: it reads the session and verifies its token. */
const authenticated = (
  name: string,
  routes: string[],
  registrations: Omit<TableGrant, 'table'>,
): ApiFunctionDeclaration => ({
  name,
  routes,
  tables: merged(...readSession, { table: registrationsTable, ...registrations }),
  secrets: ['signing-keys'],
  memoryMb: DEFAULT_MEMORY_MB,
});

export const apiFunctions: readonly ApiFunctionDeclaration[] = [
  {
    name: 'signup',
    routes: ['POST /signup'],
    tables: merged(
      // GetItem: a put retried after a lost answer reads back whether the account it met is its own.
      { table: usersTable, actions: ['PutItem', 'GetItem'] },
      { table: sessionsTable, actions: ['PutItem'] },
      // An address given at signup is mailed its verification link.
      ...mailLink,
      // Signups per client address.
      countRequests,
    ),
    secrets: ['signing-keys', 'password-pepper', 'mail-key'],
    memoryMb: PASSWORD_MEMORY_MB,
    sendsEmail: true,
  },
  {
    name: 'login',
    routes: ['POST /login'],
    tables: [
      // UpdateItem: a legacy or cheaper hash is replaced at login.
      { table: usersTable, actions: ['GetItem', 'UpdateItem'] },
      // DeleteItem: a login that arrives with another session's cookie ends that session first.
      { table: sessionsTable, actions: ['PutItem', 'DeleteItem'] },
      { table: loginAttemptsTable, actions: ['GetItem', 'UpdateItem', 'DeleteItem'] },
      // PutItem: a login that owes its second factor stores its challenge, to be taken once.
      { table: accountTokensTable, actions: ['PutItem'] },
    ],
    secrets: ['signing-keys', 'password-pepper'],
    memoryMb: PASSWORD_MEMORY_MB,
  },
  {
    name: 'logout',
    routes: ['POST /logout', 'DELETE /logout'],
    tables: [{ table: sessionsTable, actions: ['DeleteItem'] }],
    secrets: ['signing-keys'],
    memoryMb: DEFAULT_MEMORY_MB,
  },
  {
    name: 'check-session',
    routes: ['GET /check_session'],
    tables: merged(...readSession),
    secrets: ['signing-keys'],
    memoryMb: DEFAULT_MEMORY_MB,
  },
  {
    name: 'home',
    routes: ['GET /home', 'POST /home'],
    tables: merged(...readSession),
    secrets: ['signing-keys'],
    memoryMb: DEFAULT_MEMORY_MB,
  },
  {
    name: 'change-password',
    routes: ['POST /password'],
    tables: merged(
      ...endSessions,
      { table: loginAttemptsTable, actions: ['GetItem', 'UpdateItem', 'DeleteItem'] },
      ...notifies.tables,
    ),
    secrets: ['signing-keys', 'password-pepper', 'mail-key'],
    memoryMb: PASSWORD_MEMORY_MB,
    sendsEmail: true,
  },
  {
    name: 'end-sessions',
    routes: ['DELETE /sessions'],
    // The credential version is bumped: every session and every device token goes stale in that one write.
    tables: merged(...endSessions),
    secrets: ['signing-keys'],
    memoryMb: DEFAULT_MEMORY_MB,
  },
  {
    name: 'list-sessions',
    routes: ['GET /sessions'],
    // The user's sessions come from the byUser index; each is judged by its user's credential version.
    tables: merged(...readSession, { table: sessionsTable, actions: ['Query'], indexes: ['byUser'] }),
    secrets: ['signing-keys'],
    memoryMb: DEFAULT_MEMORY_MB,
  },
  {
    name: 'end-session',
    routes: ['DELETE /sessions/{id}'],
    // Found through the index among the caller's own sessions, then deleted by its own key.
    tables: merged(...readSession, {
      table: sessionsTable,
      actions: ['Query', 'DeleteItem'],
      indexes: ['byUser'],
    }),
    secrets: ['signing-keys'],
    memoryMb: DEFAULT_MEMORY_MB,
  },
  {
    name: 'change-email',
    routes: ['PUT /email'],
    tables: merged(
      ...readSession,
      { table: usersTable, actions: ['UpdateItem'] },
      // DeleteItem: a verified address the account gives up is released for others.
      { table: emailsTable, actions: ['DeleteItem'] },
      countRequests,
      ...mailLink,
      // The old verified address is told of the change.
      ...notifies.tables,
    ),
    secrets: ['signing-keys', 'mail-key'],
    memoryMb: DEFAULT_MEMORY_MB,
    sendsEmail: true,
  },
  {
    name: 'verify-email',
    routes: ['POST /email/verify'],
    tables: merged(
      useToken,
      { table: usersTable, actions: ['GetItem', 'UpdateItem'] },
      // GetItem: who holds the address; PutItem: the conditional claim that makes it this account's only.
      { table: emailsTable, actions: ['GetItem', 'PutItem'] },
      countRequests,
    ),
    secrets: [],
    memoryMb: DEFAULT_MEMORY_MB,
  },
  {
    name: 'forgot-password',
    routes: ['POST /password/forgot'],
    tables: merged(
      countRequests,
      { table: emailsTable, actions: ['GetItem'] },
      { table: usersTable, actions: ['GetItem'] },
      // The account's passkeys, named in the reset mail (a reset does not end them).
      { table: passkeysTable, actions: ['Query'], indexes: ['byUser'] },
      ...mailLink,
    ),
    secrets: ['mail-key'],
    // Its answer is padded to a comparable time whether or not a link was mailed: waiting, not CPU.
    memoryMb: WAITING_MEMORY_MB,
    sendsEmail: true,
  },
  {
    name: 'reset-password',
    routes: ['POST /password/reset'],
    tables: merged(
      // PutItem: a token used for a password that could not then be set is given back.
      useToken,
      countRequests,
      { table: accountTokensTable, actions: ['PutItem'] },
      { table: usersTable, actions: ['GetItem', 'UpdateItem'] },
      // The new credential version ends every session; their rows are then deleted.
      { table: sessionsTable, actions: ['Query', 'DeleteItem'], indexes: ['byUser'] },
      ...notifies.tables,
    ),
    secrets: ['password-pepper', 'mail-key'],
    memoryMb: PASSWORD_MEMORY_MB,
    sendsEmail: true,
  },
  {
    name: 'login-mfa',
    routes: ['POST /login/mfa'],
    tables: merged(
      // UpdateItem: the code's time step, or the recovery code, used up in one conditional write.
      { table: usersTable, actions: ['GetItem', 'UpdateItem'] },
      bruteForceCounters,
      { table: sessionsTable, actions: ['PutItem', 'DeleteItem'] },
      // The login's challenge: read (still open?) before the proof, taken (a conditional delete) after it.
      { table: accountTokensTable, actions: ['GetItem', 'DeleteItem'] },
    ),
    secrets: ['signing-keys', 'mfa-key'],
    memoryMb: DEFAULT_MEMORY_MB,
  },
  passkeyRoute('passkey-register-options', 'POST /passkeys/register/options', [
    // Query: the user's passkeys, excluded from the new one (one authenticator, one passkey).
    { table: passkeysTable, actions: ['Query'], indexes: ['byUser'] },
    { table: accountTokensTable, actions: ['PutItem'] },
  ]),
  passkeyRoute(
    'passkey-register',
    'POST /passkeys/register',
    [
      // DeleteItem: the challenge is taken once.
      { table: accountTokensTable, actions: ['DeleteItem'] },
      { table: passkeysTable, actions: ['PutItem'] },
    ],
    { notifies: true },
  ),
  passkeyRoute('list-passkeys', 'GET /passkeys', [
    { table: passkeysTable, actions: ['Query'], indexes: ['byUser'] },
  ]),
  // DeleteItem is conditional on the owner in the code.
  passkeyRoute(
    'delete-passkey',
    'DELETE /passkeys/{id}',
    [{ table: passkeysTable, actions: ['DeleteItem'] }],
    { notifies: true },
  ),
  {
    name: 'passkey-login-options',
    routes: ['POST /passkeys/login/options'],
    // A challenge item per request, so requests per client address are counted first.
    tables: merged({ table: accountTokensTable, actions: ['PutItem'] }, countRequests),
    secrets: [],
    memoryMb: DEFAULT_MEMORY_MB,
  },
  {
    name: 'passkey-login',
    routes: ['POST /passkeys/login'],
    tables: merged(
      { table: accountTokensTable, actions: ['DeleteItem'] },
      // UpdateItem: the signature counter, moved only from the value read.
      { table: passkeysTable, actions: ['GetItem', 'UpdateItem'] },
      { table: usersTable, actions: ['GetItem'] },
      { table: sessionsTable, actions: ['PutItem', 'DeleteItem'] },
    ),
    secrets: ['signing-keys'],
    memoryMb: DEFAULT_MEMORY_MB,
  },
  {
    name: 'reauth',
    routes: ['POST /reauth'],
    tables: merged(
      ...readSession,
      // A password is checked as a login checks it (UpdateItem: a legacy hash replaced); a TOTP code's step
      // is used up in a conditional write. Either counts on the brute-force counters.
      { table: usersTable, actions: ['GetItem', 'UpdateItem'] },
      bruteForceCounters,
      // A passkey's answer: its login challenge taken once, the passkey read and its counter moved.
      { table: accountTokensTable, actions: ['DeleteItem'] },
      { table: passkeysTable, actions: ['GetItem', 'UpdateItem'] },
    ),
    secrets: ['signing-keys', 'password-pepper', 'mfa-key'],
    memoryMb: PASSWORD_MEMORY_MB,
  },
  totpRoute('totp-offer', 'POST /mfa/totp', { checksCode: false, notifies: false }),
  totpRoute('totp-confirm', 'POST /mfa/totp/confirm', { checksCode: false, notifies: true }),
  totpRoute('totp-disable', 'DELETE /mfa/totp', { checksCode: true, notifies: true }),
  totpRoute('recovery-codes', 'POST /mfa/recovery-codes', { checksCode: true, notifies: true }),
  // GetItem: a retried put, or a replayed Idempotency-Key, reads back the registration it met.
  authenticated('create-registration', ['POST /registrations'], { actions: ['PutItem', 'GetItem'] }),
  authenticated('list-registrations', ['GET /registrations'], {
    actions: ['Query'],
    indexes: ['byOwner', 'byRegisteredAt'],
  }),
  authenticated('get-registration', ['GET /registrations/{id}'], { actions: ['GetItem'] }),
  // DeleteItem is conditional on ownership in the code; IAM cannot see owners, so the code is the guard.
  authenticated('delete-registration', ['DELETE /registrations/{id}'], { actions: ['DeleteItem'] }),
  authenticated('pay-registration', ['POST /registrations/{id}/payment'], {
    actions: ['UpdateItem', 'GetItem'],
  }),
  {
    name: 'not-found',
    routes: ['$default'],
    tables: [],
    secrets: [],
    memoryMb: WAITING_MEMORY_MB,
  },
];

export const jobs: readonly JobDeclaration[] = [
  {
    name: 'deadline',
    schedule: 'rate(1 day)',
    // The planner: it deletes the expired and queues the late; the sender below mails them.
    tables: [
      {
        table: registrationsTable,
        actions: ['Query', 'BatchWriteItem', 'DeleteItem'],
        indexes: ['unpaidByDeadline'],
      },
      // The addresses SES reported bouncing or complaining are never queued.
      { table: suppressionsTable, actions: ['BatchGetItem'] },
    ],
    secrets: [],
    memoryMb: DEFAULT_MEMORY_MB,
    timeoutSeconds: 900,
    sendsTo: [remindersQueue, deadlineContinuationsQueue],
    // Out of time, it leaves its cursor here, and the next invocation goes on from it: one at a time.
    consumes: { queue: deadlineContinuationsQueue, batchSize: 1, maximumConcurrency: 2 },
    runOnDeploy: true,
  },
];

export const consumers: readonly ConsumerDeclaration[] = [
  {
    name: 'reminder-sender',
    tables: [
      // UpdateItem: claim (reading the registration in the same write), record, release. GetItem: why a
      // claim was refused, and whether a claim retried after a lost answer is this delivery's own.
      { table: registrationsTable, actions: ['UpdateItem', 'GetItem'] },
    ],
    secrets: [],
    memoryMb: WAITING_MEMORY_MB,
    // Ten mails at the sandbox's share (0.5/s with two senders) take 20 s; the claim lease is 5 minutes.
    timeoutSeconds: 60,
    sendsEmail: true,
    consumes: { queue: remindersQueue, batchSize: 10, maximumConcurrency: 'stage' },
  },
];

export const subscribers: readonly SubscriberDeclaration[] = [
  {
    name: 'mail-feedback',
    subscribesTo: 'mail-feedback',
    tables: [{ table: suppressionsTable, actions: ['PutItem'] }],
    secrets: [],
    memoryMb: WAITING_MEMORY_MB,
  },
];

/** Every function, routes, jobs, queue consumers and subscribers alike. */
export const allFunctions = (): FunctionDeclaration[] => [
  ...apiFunctions,
  ...jobs,
  ...consumers,
  ...subscribers,
];

/** AWS's advice for a queue that feeds Lambda: a visibility timeout of six times the function's timeout. */
const VISIBILITY_PER_TIMEOUT = 6;

/** A function's time limit as the stack gives it. */
export const timeoutOf = (fn: FunctionDeclaration): number =>
  'timeoutSeconds' in fn && typeof fn.timeoutSeconds === 'number' ? fn.timeoutSeconds : API_TIMEOUT_SECONDS;

/** The one function that consumes a queue (a declaration error when none or two do). */
export function consumerOf(queue: QueueDeclaration): FunctionDeclaration & { consumes: QueueConsumption } {
  const found = allFunctions().filter((fn) => fn.consumes?.queue.name === queue.name);
  const [only] = found;
  if (found.length !== 1 || !only?.consumes)
    throw new Error(`queue ${queue.name} has ${found.length} consumers; it needs exactly one`);
  return { ...only, consumes: only.consumes };
}

/** A queue's visibility timeout: long enough that its consumer has finished or timed out by then. */
export const visibilityTimeoutOf = (queue: QueueDeclaration): number =>
  VISIBILITY_PER_TIMEOUT * timeoutOf(consumerOf(queue));

/** The stack outputs naming a queue and its dead letters, for the operator's tools (`RemindersQueueUrl`…). */
export function queueOutputKeys(queue: QueueDeclaration) {
  const base = queue.name.replace(/(^|-)(\w)/g, (_match, _dash, letter: string) => letter.toUpperCase());
  return {
    url: `${base}QueueUrl`,
    deadLettersUrl: `${base}DeadLettersUrl`,
    deadLettersArn: `${base}DeadLettersArn`,
  };
}

/** Every route key the API serves. */
export const routeKeys = (): string[] => apiFunctions.flatMap((fn) => fn.routes);

/** `rate(1 day)` as milliseconds, for the local runtime's timer. */
export function scheduleIntervalMs(schedule: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (!match) throw new Error(`unsupported schedule ${schedule}: the local runtime understands rate(N unit)`);
  const unit = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[match[2]?.replace(/s$/, '') as 'minute'];
  return Number(match[1]) * unit;
}

/** CORS as API Gateway applies it; origins come from the ALLOWED_ORIGINS setting. */
export const corsPolicy = {
  allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
  allowHeaders: ['content-type', 'authorization', 'idempotency-key'],
  maxAgeSeconds: 600,
} as const;

/** The API's CORS configuration for these origins: none at all without any, as the stack does. */
export function corsConfiguration(allowedOrigins: readonly string[]): CorsConfiguration | undefined {
  if (!allowedOrigins.length) return undefined;
  return {
    allowOrigins: allowedOrigins,
    allowMethods: corsPolicy.allowMethods,
    allowHeaders: corsPolicy.allowHeaders,
    allowCredentials: true,
    maxAge: corsPolicy.maxAgeSeconds,
  };
}
