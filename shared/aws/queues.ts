/**
 * The SQS queues, declared once as data, as the tables are (shared/data/tables.ts): the stack builds each
 * with its dead-letter queue, the local stack creates the same in the SQS emulator, and a function that
 * sends to one is given its URL under `envVar` and `sqs:SendMessage` on it, nothing more.
 */
export interface QueueDeclaration {
  /** The logical name: `<prefix><name>` locally, a generated name on AWS. */
  name: string;
  envVar: 'REMINDERS_QUEUE_URL' | 'DEADLINE_CONTINUATIONS_QUEUE_URL';
  /** Receives before a message goes to the dead-letter queue (the consumer failed it this many times). */
  maxReceiveCount: number;
}

/** One message per due reminder, from the deadline planner to the reminder sender. */
export const remindersQueue: QueueDeclaration = {
  name: 'reminders',
  envVar: 'REMINDERS_QUEUE_URL',
  // A throttled SES or DynamoDB gets a few visibility timeouts to recover before a message is parked.
  maxReceiveCount: 5,
};

/** Where a planner out of time leaves its cursor, for the next planner invocation to go on from. */
export const deadlineContinuationsQueue: QueueDeclaration = {
  name: 'deadline-continuations',
  envVar: 'DEADLINE_CONTINUATIONS_QUEUE_URL',
  maxReceiveCount: 3,
};

export const queues: readonly QueueDeclaration[] = [remindersQueue, deadlineContinuationsQueue];
