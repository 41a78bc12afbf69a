import { readdirSync } from 'node:fs';
import type { CorsConfiguration } from '#infra/local/cors';
import type { QueueDeclaration } from '#shared/aws/queues';
import { deadlineContinuationsQueue, remindersQueue } from '#shared/aws/queues';
import { accountDeletionService } from '#shared/compose/account-lifecycle';
import { deadlineJobDeps } from '#shared/compose/deadline';
import { mailFeedbackService } from '#shared/compose/mail-feedback';
import { needsOf, type Secret, type ServiceBuilder, type TableGrant } from '#shared/compose/needs';
import { reminderSenderDeps } from '#shared/compose/reminders';
import { type ApiRoute, MEMORY_MB, type RouteDeclaration } from '#shared/http/route';

export type { DynamoAction, Secret, TableGrant } from '#shared/compose/needs';

/**
 * The functions. A route is declared once, beside its handler (`apiRoute`, shared/http/route.ts): this
 * module reads every `functions/*.ts` that is not a job, queue consumer or subscriber, and the CDK stack
 * builds one Lambda function per file, routes its keys to it, and grants it what the services it composes
 * need (shared/compose/needs.ts); the local runtime serves the same keys with the same handler files and
 * runs the jobs on the same schedule. Tests check both against this list.
 */
export interface FunctionDeclaration {
  /** The handler file is `functions/<name>.ts`, exporting `handler`. */
  name: string;
  tables: readonly TableGrant[];
  secrets: readonly Secret[];
  /** bcrypt is CPU-bound and Lambda's CPU grows with memory: 1769 MB is one full vCPU (MEMORY_MB). */
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

/** What a function composes, as its grants: the union of its services' needs. */
function grantsOf(builders: readonly ServiceBuilder<unknown>[]) {
  const needs = needsOf(builders);
  return {
    tables: needs.tables,
    secrets: needs.secrets,
    ...(needs.sendsEmail ? { sendsEmail: true } : {}),
    ...(needs.sendsTo.length ? { sendsTo: needs.sendsTo } : {}),
  };
}

/** A function that a queue invokes, with its time limit (the queue's visibility timeout is six times it). */
export interface ConsumerDeclaration extends FunctionDeclaration {
  consumes: QueueConsumption;
  timeoutSeconds: number;
}

export interface ApiFunctionDeclaration extends FunctionDeclaration {
  /** API Gateway route keys (`METHOD /path`), or `$default` for whatever no other route matches. */
  routes: readonly string[];
  /** The whole declaration: its description, session, schemas and services. */
  route: RouteDeclaration<unknown>;
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

export const jobs: readonly JobDeclaration[] = [
  {
    name: 'deadline',
    schedule: 'rate(1 day)',
    // The planner: it deletes the expired and queues the late; the sender below mails them.
    ...grantsOf([deadlineJobDeps]),
    memoryMb: MEMORY_MB.default,
    timeoutSeconds: 900,
    // Out of time, it leaves its cursor on its continuations queue, and the next invocation goes on from
    // it: one at a time.
    consumes: { queue: deadlineContinuationsQueue, batchSize: 1, maximumConcurrency: 2 },
    runOnDeploy: true,
  },
  {
    name: 'account-cleanup',
    schedule: 'rate(1 day)',
    // Finishes the deletions whose clean-up was cut off (shared/auth/account-deletion.ts): usually none.
    ...grantsOf([accountDeletionService]),
    memoryMb: MEMORY_MB.waiting,
    timeoutSeconds: 300,
    runOnDeploy: false,
  },
];

export const consumers: readonly ConsumerDeclaration[] = [
  {
    name: 'reminder-sender',
    ...grantsOf([reminderSenderDeps]),
    memoryMb: MEMORY_MB.waiting,
    // Ten mails at the sandbox's share (0.5/s with two senders) take 20 s; the claim lease is 5 minutes.
    timeoutSeconds: 60,
    consumes: { queue: remindersQueue, batchSize: 10, maximumConcurrency: 'stage' },
  },
];

export const subscribers: readonly SubscriberDeclaration[] = [
  {
    name: 'mail-feedback',
    subscribesTo: 'mail-feedback',
    ...grantsOf([mailFeedbackService]),
    memoryMb: MEMORY_MB.waiting,
  },
];

const functionsDir = new URL('../functions/', import.meta.url);

/**
 * Every other file of functions/ is a route, its declaration read from its handler. Importing a handler
 * wires nothing: that happens at its cold start on Lambda (shared/http/handler.ts).
 */
async function declaredRoutes(): Promise<ApiFunctionDeclaration[]> {
  const others = new Set([...jobs, ...consumers, ...subscribers].map((fn) => fn.name));
  const names = readdirSync(functionsDir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .filter((name) => !others.has(name))
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const { handler } = (await import(new URL(`${name}.ts`, functionsDir).href)) as { handler?: ApiRoute };
      if (!handler?.route)
        throw new Error(
          `functions/${name}.ts: a route's handler is declared with apiRoute (shared/http/route.ts); a job, queue consumer or subscriber is declared in infra/routes.ts`,
        );
      const { route } = handler;
      return {
        name,
        routes: route.routes,
        route,
        memoryMb: MEMORY_MB[route.memory ?? 'default'],
        ...grantsOf(Object.values(route.services ?? {})),
      };
    }),
  );
}

export const apiFunctions: readonly ApiFunctionDeclaration[] = await declaredRoutes();

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
