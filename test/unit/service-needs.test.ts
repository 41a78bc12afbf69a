import { describe, expect, it, vi } from 'vitest';
import { remindersQueue } from '#shared/aws/queues';
import { needsOf, service } from '#shared/compose/needs';
import { passkeysTable, sessionsTable, usersTable } from '#shared/data/tables';

describe("a function's needs, from the services it composes", () => {
  const sessions = service(
    {
      tables: [{ table: sessionsTable, actions: ['GetItem'] }],
      secrets: ['signing-keys'],
    },
    () => 'sessions',
  );
  const passkeys = service(
    { tables: [{ table: passkeysTable, actions: ['Query'], indexes: ['byUser'] }] },
    () => 'passkeys',
  );
  const notices = service(
    {
      tables: [{ table: passkeysTable, actions: ['Query'], indexes: ['byUser'] }],
      sendsEmail: true,
      uses: [passkeys, sessions],
    },
    () => 'notices',
  );

  it('unite what each builder and the builders it uses need, one grant per table', () => {
    const needs = needsOf([
      notices,
      service(
        {
          tables: [
            { table: sessionsTable, actions: ['UpdateItem', 'GetItem'] },
            { table: usersTable, actions: ['GetItem'] },
          ],
          sendsTo: [remindersQueue],
          uses: [sessions],
        },
        () => 'other',
      ),
    ]);
    expect(
      needs.tables.map(({ table, actions, indexes }) => [table.name, [...actions].sort(), indexes]),
    ).toEqual([
      ['passkeys', ['Query'], ['byUser']],
      ['sessions', ['GetItem', 'UpdateItem'], undefined],
      ['users', ['GetItem'], undefined],
    ]);
    expect(needs.secrets).toEqual(['signing-keys']);
    expect(needs.sendsEmail).toBe(true);
    expect(needs.sendsTo.map((queue) => queue.name)).toEqual([remindersQueue.name]);
  });

  it('need nothing when nothing is composed, and visit a builder used twice once', () => {
    expect(needsOf([])).toEqual({ tables: [], secrets: [], sendsEmail: false, sendsTo: [] });
    expect(needsOf([sessions, notices, sessions]).secrets).toEqual(['signing-keys']);
  });

  it('build the service itself when called with the settings', () => {
    expect(notices({} as never)).toBe('notices');
  });
});

describe('a route handler imported outside Lambda', () => {
  it('reads no setting until it is called, and then fails as a rejected invocation', async () => {
    for (const name of Object.keys(process.env))
      if (/_TABLE$|^APP_URL$|^LAMBDA_TASK_ROOT$/.test(name)) vi.stubEnv(name, undefined);
    try {
      const { handler } = await import('../../functions/change-email.ts');
      expect(handler.route.routes).toEqual(['PUT /email']);
      await expect(handler({} as never, {} as never)).rejects.toThrow(/Invalid configuration/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
