import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import bcrypt from 'bcryptjs';
import { waitUntilDrained } from '#infra/cli/queue-operations';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AwsStandIn } from './aws-stand-in.ts';
import { httpClient, sessionToken, uniqueUsername } from '../support/http-client.ts';
import { type DeployedStack, startDeployedStack, startOperatorAws } from './deployed-stack.ts';

/**
 * The operator's commands against a deployed stage (`--stack Pistus-dev`), as docs/deploy.md runs them:
 * settings from the stack's outputs, AWS through a stand-in on 127.0.0.1 (`AWS_ENDPOINT_URL`), the
 * functions the deployed bundles. Asynchronous, since the stand-in answers from this very process.
 */
function operator(script: 'account' | 'deadline', args: string[], env: Record<string, string>, input = '') {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [`infra/cli/${script}.ts`, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        // Nothing of the developer's own AWS setup: only what each test gives.
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

const DAY = 24 * 3600 * 1000;

describe('the operator commands against a deployed stage', () => {
  let stack: DeployedStack;
  let aws: AwsStandIn;
  let env: Record<string, string>;
  const admin = uniqueUsername('root');
  const password = 'a long admin password for the stage';

  beforeAll(async () => {
    const file = inject('templates').dev;
    stack = await startDeployedStack({
      templateFile: file,
      // The SES sandbox: this address is not verified, so SES refuses to mail it.
      refusedRecipients: ['unverified@example.com'],
    });
    aws = await startOperatorAws(stack);
    env = {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'operator',
      AWS_SECRET_ACCESS_KEY: 'operator',
    };
  });
  afterAll(async () => {
    await aws?.stop();
    await stack?.stop();
  });

  /** Moves a registration's deadline as time would (a deployed job runs as of now only). */
  const dueIn = (id: string, ms: number) =>
    stack.db.send(
      new UpdateItemCommand({
        TableName: stack.functions.get('create-registration')?.model.environment.REGISTRATIONS_TABLE,
        Key: { id: { S: id } },
        UpdateExpression: 'SET paymentDeadline = :at',
        ExpressionAttributeValues: { ':at': { S: new Date(Date.now() + ms).toISOString() } },
      }),
    );

  it('creates the first admin, who then logs in through the deployed API', async () => {
    const created = await operator(
      'account',
      ['create', '--username', admin, '--role', 'admin', '--stack', 'Pistus-dev'],
      env,
      `${password}\n`,
    );
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    const login = await httpClient(stack.apiUrl).call('POST', '/login', {
      json: { username: admin, password },
    });
    expect(login.json).toMatchObject({ username: admin, role: 'admin' });
  });

  it("lists, imports and disables accounts; disabling ends the account's sessions", async () => {
    const listed = await operator('account', ['list', '--stack', 'Pistus-dev'], env);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain(`"username":"${admin}"`);

    const imported = uniqueUsername('moved');
    const file = join(mkdtempSync(join(tmpdir(), 'pistus-import-')), 'users.csv');
    writeFileSync(file, `username,hash\n${imported},${await bcrypt.hash('an old system password', 10)}\n`);
    const result = await operator('account', ['import', file, '--stack', 'Pistus-dev'], env);
    expect(result.stdout).toContain('"imported":1');
    const client = httpClient(stack.apiUrl);
    const login = await client.call('POST', '/login', {
      json: { username: imported, password: 'an old system password' },
    });
    expect(login.status).toBe(200);

    const disabled = await operator(
      'account',
      ['disable', '--username', imported, '--stack', 'Pistus-dev'],
      env,
    );
    expect(disabled.stdout).toContain('"sessionsEnded":1');
    expect((await client.call('GET', '/check_session', { token: sessionToken(login) })).status).toBe(204);
  });

  it('runs the deployed deadline job once through Lambda Invoke, and prints its summary', async () => {
    const run = await operator('deadline', ['--stack', 'Pistus-dev'], env);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ failed: 0 });
    expect(stack.functions.get('deadline')?.runtime.invocations).toBeGreaterThan(0);
  });

  it('shows with --dry-run what would be deleted and reminded, changing nothing and sending nothing', async () => {
    const client = httpClient(stack.apiUrl);
    const { token } = await client.signUp();
    const created = await client.call('POST', '/registrations', {
      token,
      json: { activity: 'Dry run', email: 'dry-run@example.com' },
    });
    const { id } = created.json as { id: string };
    await dueIn(id, -2 * DAY);
    const dry = await operator('deadline', ['--stack', 'Pistus-dev', '--dry-run'], env);
    expect(JSON.parse(dry.stdout.trim())).toMatchObject({ deleted: 0, queued: 0, dryRun: { toDelete: 1 } });
    expect((await client.call('GET', `/registrations/${id}`, { token })).status).toBe(200);
    await client.call('DELETE', `/registrations/${id}`, { token });
  });

  it('counts a reminder SES refuses for its recipient without failing anything, and sends the others', async () => {
    const client = httpClient(stack.apiUrl);
    const { token } = await client.signUp();
    for (const email of ['unverified@example.com', 'verified@example.com']) {
      const created = await client.call('POST', '/registrations', {
        token,
        json: { activity: 'Sandbox', email },
      });
      await dueIn((created.json as { id: string }).id, DAY);
    }
    const run = await operator('deadline', ['--stack', 'Pistus-dev'], env);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ queued: 2, failed: 0 });
    // The sender's bundle takes both from the queue; SES refuses one, and neither comes back.
    expect(await waitUntilDrained(stack.sqs, [stack.queueUrl('remindersqueue')], 30_000)).toBe(0);
    expect(stack.functions.get('reminder-sender')?.logs.join('')).toMatch(/"refused":1/);
    const { emails } = (await (await fetch(`${stack.sesUrl}/store`)).json()) as {
      emails: { destination: { to: string[] } }[];
    };
    expect(emails.flatMap((email) => email.destination.to)).toEqual(['verified@example.com']);
  });

  it('says in one sentence what to set when the region or the credentials are missing', async () => {
    const { AWS_REGION: _region, ...noRegion } = env;
    const region = await operator('account', ['list', '--stack', 'Pistus-dev'], noRegion);
    expect(region.status).toBe(1);
    expect(region.stderr.trim().split('\n')).toEqual([expect.stringContaining('set AWS_REGION')]);
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...noCredentials } = env;
    const credentials = await operator('deadline', ['--stack', 'Pistus-dev'], noCredentials);
    expect(credentials.status).toBe(1);
    expect(credentials.stderr.trim().split('\n')).toEqual([expect.stringContaining('set AWS_PROFILE')]);
  });

  it('names a stage that does not exist', async () => {
    const missing = await operator('account', ['list', '--stack', 'Pistus-nope'], env);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('Pistus-nope');
  });
});
