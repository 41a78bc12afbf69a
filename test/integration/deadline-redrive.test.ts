import { readFileSync } from 'node:fs';
import { PurgeQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { queueDepth } from '#infra/cli/queue-operations';
import { localSqsClient } from '#infra/local/sqs';
import type { LocalStackState } from '#infra/local/state';
import { operator } from './operator.ts';

/**
 * The reminders queue of the running local stack, as `npm start` runs it: fauxqs with the stack's redrive
 * policy, polled like Lambda's event source mapping (the integration stack brings a failed message back
 * after 2 s instead of 6 minutes).
 */
const sqs = localSqsClient(inject('sqsEndpoint'));
const { reminders } = (JSON.parse(readFileSync(inject('stateFile'), 'utf8')) as LocalStackState).sources
  .queues as Record<'reminders', { url: string; deadLettersUrl: string }>;
afterAll(() => sqs.destroy());

async function until(condition: () => Promise<boolean>, seconds: number) {
  const deadline = Date.now() + seconds * 1000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
const deadLetters = async () => (await queueDepth(sqs, reminders.deadLettersUrl)).waiting;

describe('npm run deadline -- redrive', () => {
  it(
    'a message the sender fails 5 times waits in the dead letters; --dry-run counts it, redrive moves it back',
    { timeout: 120_000 },
    async () => {
      // A message no sender can read: it fails every receive, as one would while SES or a bug blocks it.
      await sqs.send(
        new SendMessageCommand({ QueueUrl: reminders.url, MessageBody: '{"not":"a reminder"}' }),
      );
      await until(async () => (await deadLetters()) === 1, 60);

      const dry = operator('deadline', ['redrive', '--dry-run']);
      expect(dry.status, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('reminders: 1 dead-letter messages');
      expect(await deadLetters()).toBe(1);

      const moved = operator('deadline', ['redrive']);
      expect(moved.status, moved.stderr).toBe(0);
      expect(moved.stdout).toContain('reminders: moved 1 messages back');
      expect(moved.stdout).toContain('deadline-continuations: moved 0 messages back');
      // Back on its queue: the sender takes it again (and, still unreadable, parks it again).
      await until(async () => (await deadLetters()) === 1, 60);
      await sqs.send(new PurgeQueueCommand({ QueueUrl: reminders.deadLettersUrl }));
    },
  );

  it('refuses an unknown command and --now with redrive', () => {
    expect(operator('deadline', ['resend']).status).toBe(2);
    expect(operator('deadline', ['redrive', '--now', '2030-01-01T00:00:00Z']).status).toBe(2);
  });
});
