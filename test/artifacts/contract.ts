import { waitUntilDrained } from '#infra/cli/queue-operations';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  COOKIE_NAME,
  errorCode,
  httpClient,
  PASSWORD,
  sessionToken,
  uniqueUsername,
} from '../support/http-client.ts';
import { providerSignIn } from '../support/identity-providers.ts';
import { feedbackEvent } from '../support/ses-feedback.ts';
import { linkToken, mailAt } from '../support/mail.ts';
import { authenticator, awayFromStepEdge } from '../support/totp.ts';
import { softwareAuthenticator } from '../support/webauthn.ts';
import { type DeployedStack, startDeployedStack } from './deployed-stack.ts';
import type { STAGES } from './synth.setup.ts';

/**
 * The HTTP contract, run against what `cdk deploy` would ship (one file per stage, contract-<stage>.test.ts,
 * so the two run side by side): each function's synthesized bundle in its own
 * process, with only its template environment, every AWS call checked against its own IAM statements, the
 * routes and integrations read from the template. Any refused call, any 5xx, any function that cannot
 * start fails it.
 */
export function deployedStageContract(stage: (typeof STAGES)[number]) {
  describe(`the deployed ${stage} stage`, () => {
    let stack: DeployedStack;
    let client: ReturnType<typeof httpClient>;
    const statuses: number[] = [];

    beforeAll(async () => {
      const templateFile = inject('templates')[stage];
      stack = await startDeployedStack({
        templateFile,
        trustedCertificates: inject('providerCertificate'),
      });
      const base = httpClient(stack.apiUrl);
      // Every answer is recorded, so the last test can say that none was a 5xx.
      const call: typeof base.call = async (...args) => {
        const response = await base.call(...args);
        statuses.push(response.status);
        return response;
      };
      client = { ...base, call };
    });
    afterAll(() => stack?.stop());

    const tableOf = (functionName: string, setting: string) =>
      stack.functions.get(functionName)?.model.environment[setting] as string;

    it('answers an unknown route with the JSON 404 of the $default bundle', async () => {
      const response = await client.call('GET', '/no-such-route');
      expect(response.status).toBe(404);
      expect(errorCode(response)).toBe('not_found');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(stack.functions.get('not-found')?.runtime.invocations).toBeGreaterThan(0);
    });

    it('sends every route key of the template to the function its integration names, and no other', async () => {
      for (const [routeKey, logicalId] of stack.model.routes) {
        const counts = () =>
          new Map([...stack.functions.values()].map((fn) => [fn.model.logicalId, fn.runtime.invocations]));
        const before = counts();
        const [method, path] =
          routeKey === '$default' ? ['GET', '/no/such/route'] : (routeKey.split(' ') as [string, string]);
        const response = await client.call(
          method,
          path.replace('{id}', crypto.randomUUID()),
          method === 'GET' ? {} : { json: {} },
        );
        expect(response.status, routeKey).toBeLessThan(500);
        const invoked = [...counts()].filter(([id, count]) => count !== before.get(id)).map(([id]) => id);
        expect({ routeKey, invoked }).toEqual({ routeKey, invoked: [logicalId] });
      }
    });

    it('gives the $default function no table, secret or mail in its environment, and no grant for one', () => {
      const fn = stack.functions.get('not-found')?.model;
      expect(Object.keys(fn?.environment ?? {}).filter((name) => /TABLE|SECRET|SES_/.test(name))).toEqual([]);
      expect(
        fn?.statements
          .flatMap((statement) => statement.Action)
          .filter((action) => !action.startsWith('logs:') && !action.startsWith('xray:')),
      ).toEqual([]);
    });

    it('signs up, checks the session, greets, logs in, changes the password and logs out', async () => {
      const username = uniqueUsername('deployed');
      const signup = await client.call('POST', '/signup', { json: { username, password: PASSWORD } });
      expect(signup.status).toBe(201);
      const token = sessionToken(signup) as string;
      expect((await client.call('GET', '/check_session', { token })).json).toMatchObject({ username });
      expect((await client.call('GET', '/home', { token })).json).toEqual({ message: `Hello, ${username}` });

      const wrong = await client.call('POST', '/login', {
        json: { username, password: 'not the password at all' },
      });
      expect(wrong.status).toBe(401);
      const login = await client.call('POST', '/login', { json: { username, password: PASSWORD } });
      expect(login.status).toBe(200);
      expect(login.setCookies.some((cookie) => cookie.startsWith('__Host-device='))).toBe(true);
      const second = sessionToken(login) as string;

      const newPassword = 'another long passphrase here';
      const change = await client.call('POST', '/password', {
        token: second,
        json: { currentPassword: PASSWORD, newPassword },
      });
      expect(change.status).toBe(204);
      // The change ended every other session: the signup's session is gone.
      expect((await client.call('GET', '/check_session', { token })).status).toBe(204);

      expect((await client.call('POST', '/logout', { token: second })).status).toBe(204);
      expect((await client.call('GET', '/home', { token: second })).status).toBe(401);
      const again = await client.call('POST', '/login', { json: { username, password: newPassword } });
      expect(again.status).toBe(200);
      expect(
        (await client.call('DELETE', '/sessions', { token: sessionToken(again) as string })).status,
      ).toBe(204);
      expect((await client.call('DELETE', '/logout')).status).toBe(204);
      expect((await client.call('POST', '/home', { token: sessionToken(again) as string })).status).toBe(401);
    });

    it("lists the user's sessions and ends one of them", async () => {
      const username = uniqueUsername('devices');
      const signup = await client.call('POST', '/signup', { json: { username, password: PASSWORD } });
      const first = sessionToken(signup) as string;
      const login = await client.call('POST', '/login', {
        json: { username, password: PASSWORD },
        headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' },
      });
      const second = sessionToken(login) as string;
      const listed = await client.call('GET', '/sessions', { token: second });
      expect(listed.status).toBe(200);
      const items = (listed.json as { items: { id: string; current: boolean; device: string }[] }).items;
      expect(items).toHaveLength(2);
      expect(items.find((item) => item.current)?.device).toBe('Firefox on Linux');
      const other = items.find((item) => !item.current);
      expect((await client.call('DELETE', `/sessions/${other?.id}`, { token: second })).status).toBe(204);
      expect((await client.call('GET', '/home', { token: first })).status).toBe(401);
      expect((await client.call('GET', '/home', { token: second })).status).toBe(200);
    });

    it('verifies an address by its mailed link, changes it, and resets a forgotten password by mail', async () => {
      const mails = (to: string) => mailAt(stack.sesUrl, [to]);
      const tokenFor = async (to: string, page: 'verify-email' | 'reset-password') =>
        linkToken((await mails(to)).at(-1), page);
      const username = uniqueUsername('recovery');
      const first = `first-${stage}-${username}@example.com`;
      const signup = await client.call('POST', '/signup', {
        json: { username, password: PASSWORD, email: first },
      });
      expect(signup.json).toMatchObject({ email: first, emailVerified: false });
      const token = sessionToken(signup) as string;
      // The links point at the client the stage names (appUrl), not at the API.
      expect((await mails(first)).at(-1)?.body.text).toContain(
        'https://app.pistus.example/verify-email?token=',
      );
      const second = `second-${stage}-${username}@example.com`;
      expect((await client.call('PUT', '/email', { token, json: { email: second } })).status).toBe(202);
      const verify = { json: { token: await tokenFor(second, 'verify-email') } };
      expect((await client.call('POST', '/email/verify', verify)).status).toBe(204);
      expect((await client.call('GET', '/check_session', { token })).json).toMatchObject({
        email: second,
        emailVerified: true,
      });
      expect((await client.call('POST', '/password/forgot', { json: { email: second } })).status).toBe(202);
      const reset = { token: await tokenFor(second, 'reset-password'), newPassword: 'a reset horse battery' };
      expect((await client.call('POST', '/password/reset', { json: reset })).status).toBe(204);
      expect((await client.call('GET', '/check_session', { token })).status).toBe(204);
      const login = { username, password: 'a reset horse battery' };
      expect((await client.call('POST', '/login', { json: login })).status).toBe(200);
    });

    it('turns TOTP on, logs in with a code in two steps, and adds and signs in with a passkey', async () => {
      const { username, token } = await client.signUp();
      const { secret } = (await client.call('POST', '/mfa/totp', { token })).json as { secret: string };
      const app = authenticator(secret);
      await awayFromStepEdge();
      const confirmed = await client.call('POST', '/mfa/totp/confirm', {
        token,
        json: { code: app.code(-1) },
      });
      expect(confirmed.status).toBe(200);
      const login = await client.call('POST', '/login', { json: { username, password: PASSWORD } });
      expect(login.json).toEqual({ mfaRequired: true, methods: ['totp', 'recovery_code'] });
      const challenge = login.setCookies.find((c) => c.startsWith('__Host-mfa='))?.split(';')[0] ?? '';
      const finished = await client.call('POST', '/login/mfa', {
        json: { code: app.code() },
        headers: { cookie: challenge },
      });
      expect(finished.status).toBe(200);
      const session = sessionToken(finished) as string;
      const renewed = await client.call('POST', '/mfa/recovery-codes', {
        token: session,
        json: { code: app.code(1) },
      });
      expect(renewed.status).toBe(200);

      // The stage's relying party is its client (appUrl): a software authenticator answers for that origin.
      const device = softwareAuthenticator({ origin: 'https://app.pistus.example' });
      const options = await client.call('POST', '/passkeys/register/options', { token: session });
      const registered = await client.call('POST', '/passkeys/register', {
        token: session,
        json: { response: device.create(options.json as never) },
      });
      expect(registered.status).toBe(201);
      expect(
        ((await client.call('GET', '/passkeys', { token: session })).json as { items: unknown[] }).items,
      ).toHaveLength(1);
      const loginOptions = await client.call('POST', '/passkeys/login/options');
      const cookie =
        loginOptions.setCookies.find((c) => c.startsWith('__Host-webauthn='))?.split(';')[0] ?? '';
      const passkeyLogin = await client.call('POST', '/passkeys/login', {
        json: { response: device.get(loginOptions.json as never) },
        headers: { cookie },
      });
      expect(passkeyLogin.json).toMatchObject({ username, mfaEnabled: true });
      const { id } = registered.json as { id: string };
      expect((await client.call('DELETE', `/passkeys/${id}`, { token: session })).status).toBe(204);
    });

    it('creates, lists, reads, pays for and deletes registrations, each only by whom it may', async () => {
      const owner = await client.signUp();
      const other = await client.signUp();
      const created = await client.call('POST', '/registrations', {
        token: owner.token,
        json: { activity: 'Chess club', email: 'parent@example.com' },
      });
      expect(created.status).toBe(201);
      const { id } = created.json as { id: string };

      const list = await client.call('GET', '/registrations?limit=5', { token: owner.token });
      expect((list.json as { items: { id: string }[] }).items.map((item) => item.id)).toEqual([id]);
      expect((await client.call('GET', `/registrations/${id}`, { token: owner.token })).status).toBe(200);
      expect((await client.call('GET', `/registrations/${id}`, { token: other.token })).status).toBe(404);
      expect((await client.call('POST', `/registrations/${id}/payment`, { token: owner.token })).status).toBe(
        403,
      );

      // The operator makes an admin, as `npm run account` does against a stack: a write to the users table.
      await stack.db.send(
        new UpdateItemCommand({
          TableName: tableOf('login', 'USERS_TABLE'),
          Key: { usernameKey: { S: other.username.toLowerCase() } },
          UpdateExpression: 'SET #role = :admin',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':admin': { S: 'admin' } },
        }),
      );
      const admin = sessionToken(
        await client.call('POST', '/login', { json: { username: other.username, password: PASSWORD } }),
      ) as string;
      const paid = await client.call('POST', `/registrations/${id}/payment`, { token: admin });
      expect(paid.status).toBe(200);
      expect(paid.json).toMatchObject({ id, paid: true });
      const adminList = await client.call('GET', '/registrations', { token: admin });
      expect(adminList.status).toBe(200);

      expect((await client.call('DELETE', `/registrations/${id}`, { token: owner.token })).status).toBe(204);
      expect((await client.call('GET', `/registrations/${id}`, { token: owner.token })).status).toBe(404);
    });

    it("plans on EventBridge's scheduled event, ignores a clock in its payload, and the sender's bundle mails the reminder it queued, through SES", async () => {
      const owner = await client.signUp();
      const created = await client.call('POST', '/registrations', {
        token: owner.token,
        json: { activity: 'Swimming', email: `reminded-${stage}@example.com` },
      });
      const { id, paymentDeadline } = created.json as { id: string; paymentDeadline: string };
      const deadline = stack.functions.get('deadline')?.runtime;
      const scheduled = await deadline?.invoke({
        version: '0',
        id: 'd1b7e5a4-0000-4000-8000-000000000000',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: new Date().toISOString(),
        region: 'us-east-1',
        resources: [],
        detail: {},
      });
      expect(scheduled).toMatchObject({ failed: 0 });

      // A deployed job runs as of now whatever its payload says: a `now` a day before the deadline is ignored.
      expect(
        await deadline?.invoke({
          now: new Date(Date.parse(paymentDeadline) - 24 * 3600 * 1000).toISOString(),
        }),
      ).toMatchObject({
        queued: 0,
      });
      // So the registration is brought inside the reminder window, as time would: its deadline a day away.
      await stack.db.send(
        new UpdateItemCommand({
          TableName: tableOf('create-registration', 'REGISTRATIONS_TABLE'),
          Key: { id: { S: id } },
          UpdateExpression: 'SET paymentDeadline = :soon',
          ExpressionAttributeValues: {
            ':soon': { S: new Date(Date.now() + 24 * 3600 * 1000).toISOString() },
          },
        }),
      );
      expect(await deadline?.invoke({})).toMatchObject({ queued: 1, failed: 0 });
      // The template's event source mapping feeds the queued reminder to the sender's bundle.
      expect(await waitUntilDrained(stack.sqs, [stack.queueUrl('remindersqueue')], 30_000)).toBe(0);
      expect(stack.functions.get('reminder-sender')?.runtime.invocations).toBeGreaterThan(0);
      const { emails } = (await (await fetch(`${stack.sesUrl}/store`)).json()) as {
        emails: { destination: { to: string[] } }[];
      };
      expect(emails.map((email) => email.destination.to).flat()).toContain(`reminded-${stage}@example.com`);
    });

    it("goes on from a continuation on its queue: the template's mapping invokes the planner's bundle with it, and the reminder goes", async () => {
      const owner = await client.signUp();
      const address = `continued-${stage}@example.com`;
      const created = await client.call('POST', '/registrations', {
        token: owner.token,
        json: { activity: 'Chess', email: address },
      });
      await stack.db.send(
        new UpdateItemCommand({
          TableName: tableOf('create-registration', 'REGISTRATIONS_TABLE'),
          Key: { id: { S: (created.json as { id: string }).id } },
          UpdateExpression: 'SET paymentDeadline = :soon',
          ExpressionAttributeValues: {
            ':soon': { S: new Date(Date.now() + 24 * 3600 * 1000).toISOString() },
          },
        }),
      );
      const planner = stack.functions.get('deadline')?.runtime;
      const before = planner?.invocations ?? 0;
      // What a planner out of time leaves: the moment it plans as of, and where to go on (here, the start).
      await stack.sqs.send(
        new SendMessageCommand({
          QueueUrl: stack.queueUrl('deadlinecontinuationsqueue'),
          MessageBody: JSON.stringify({ now: new Date().toISOString() }),
        }),
      );
      const queues = [stack.queueUrl('deadlinecontinuationsqueue'), stack.queueUrl('remindersqueue')];
      expect(await waitUntilDrained(stack.sqs, queues, 30_000)).toBe(0);
      expect(planner?.invocations).toBeGreaterThan(before);
      const { emails } = (await (await fetch(`${stack.sesUrl}/store`)).json()) as {
        emails: { destination: { to: string[] } }[];
      };
      expect(emails.flatMap((email) => email.destination.to).filter((to) => to === address)).toHaveLength(1);
    });

    it('suppresses an address SES reports bouncing (an SNS event to the mail-feedback bundle), and the job never mails it', async () => {
      const feedback = stack.functions.get('mail-feedback')?.runtime;
      await feedback?.invoke(feedbackEvent('permanent-bounce'));
      const owner = await client.signUp();
      const created = await client.call('POST', '/registrations', {
        token: owner.token,
        json: { activity: 'Judo', email: 'bounced-parent@example.com' },
      });
      const { id } = created.json as { id: string };
      await stack.db.send(
        new UpdateItemCommand({
          TableName: tableOf('create-registration', 'REGISTRATIONS_TABLE'),
          Key: { id: { S: id } },
          UpdateExpression: 'SET paymentDeadline = :soon',
          ExpressionAttributeValues: {
            ':soon': { S: new Date(Date.now() + 24 * 3600 * 1000).toISOString() },
          },
        }),
      );
      expect(await stack.functions.get('deadline')?.runtime.invoke({})).toMatchObject({
        suppressed: 1,
        failed: 0,
      });
      const { emails } = (await (await fetch(`${stack.sesUrl}/store`)).json()) as {
        emails: { destination: { to: string[] } }[];
      };
      expect(emails.map((email) => email.destination.to).flat()).not.toContain('bounced-parent@example.com');
    });

    it('signs in with an identity provider (the stand-in, over TLS), links one to a password account, and unlinks it', async () => {
      const signIn = providerSignIn(client.call, inject('providerCertificate'));
      const providers = await client.call('GET', '/auth/providers');
      expect(providers.json).toEqual({ items: [{ id: 'standin', name: 'Stand-in' }] });
      const email = `${uniqueUsername('idp')}@example.com`;
      const first = await signIn.complete('standin', { login_hint: email, returnTo: '/account' });
      expect(first.status).toBe(303);
      expect(first.headers.get('location')).toBe('https://app.pistus.example/account');
      const token = sessionToken(first) as string;
      const me = await client.call('GET', '/check_session', { token });
      expect(me.json).toMatchObject({ email, emailVerified: true });
      const again = await signIn.complete('standin', { login_hint: email, returnTo: '/' });
      expect((await client.call('GET', '/check_session', { token: sessionToken(again) })).json).toEqual(
        me.json,
      );
      const [identity] = (
        (await client.call('GET', '/identities', { token })).json as { items: { id: string }[] }
      ).items;
      expect(errorCode(await client.call('DELETE', `/identities/${identity?.id}`, { token }))).toBe(
        'last_sign_in_method',
      );

      const { token: password } = await client.signUp();
      const linked = await signIn.complete(
        'standin',
        { login_hint: `${uniqueUsername('link')}@example.com`, returnTo: '/account', link: 'true' },
        `${COOKIE_NAME}=${password}`,
      );
      expect(new URL(linked.headers.get('location') ?? '').searchParams.get('linked')).toBe('standin');
      const [mine] = (
        (await client.call('GET', '/identities', { token: password })).json as { items: { id: string }[] }
      ).items;
      expect((await client.call('DELETE', `/identities/${mine?.id}`, { token: password })).status).toBe(204);
    });

    it("exports and deletes an account; an admin finds one by prefix, disables, enables and deletes it; the clean-up job's bundle finishes a deletion cut off", async () => {
      const owner = await client.signUp();
      await client.call('POST', '/registrations', {
        token: owner.token,
        json: { activity: 'Chess club', email: 'parent@example.com', studentName: 'Ada' },
      });
      const exported = await client.call('GET', '/account/export', { token: owner.token });
      expect(exported.status).toBe(200);
      expect(exported.json).toMatchObject({
        account: { username: owner.username },
        registrations: [{ studentName: 'Ada' }],
      });
      expect((await client.call('DELETE', '/account', { token: owner.token })).status).toBe(204);
      expect((await client.call('GET', '/check_session', { token: owner.token })).status).toBe(204);
      expect(
        (await client.call('POST', '/login', { json: { username: owner.username, password: PASSWORD } }))
          .status,
      ).toBe(401);

      // The operator makes an admin, as `npm run account` does against a stack: a write to the users table.
      const adminAccount = await client.signUp(uniqueUsername('boss'));
      const usersTable = tableOf('login', 'USERS_TABLE');
      await stack.db.send(
        new UpdateItemCommand({
          TableName: usersTable,
          Key: { usernameKey: { S: adminAccount.username.toLowerCase() } },
          UpdateExpression: 'SET #role = :admin',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':admin': { S: 'admin' } },
        }),
      );
      const admin = adminAccount.token;
      const target = await client.signUp(uniqueUsername('Target'));
      const found = await client.call(
        'GET',
        `/admin/users?query=${target.username.slice(0, 12).toUpperCase()}`,
        {
          token: admin,
        },
      );
      expect(found.status).toBe(200);
      expect((found.json as { items: { username: string }[] }).items.map((item) => item.username)).toContain(
        target.username,
      );
      const path = `/admin/users/${target.user.id}`;
      expect((await client.call('GET', path, { token: admin })).json).toMatchObject({
        counts: { sessions: 1 },
      });
      expect((await client.call('POST', `${path}/disable`, { token: admin })).status).toBe(204);
      expect((await client.call('GET', '/check_session', { token: target.token })).status).toBe(204);
      expect((await client.call('POST', `${path}/enable`, { token: admin })).status).toBe(204);
      expect(
        (await client.call('PUT', `${path}/role`, { token: admin, json: { role: 'user' } })).status,
      ).toBe(204);
      expect((await client.call('DELETE', `${path}/sessions`, { token: admin })).status).toBe(204);
      expect((await client.call('DELETE', path, { token: admin })).status).toBe(204);
      expect((await client.call('GET', path, { token: admin })).status).toBe(404);

      // A deletion cut off after its one write: the daily clean-up's bundle finishes it.
      const cut = await client.signUp();
      await stack.db.send(
        new UpdateItemCommand({
          TableName: usersTable,
          Key: { usernameKey: { S: cut.username.toLowerCase() } },
          UpdateExpression: 'SET #role = :deleted, deletedAt = :at',
          ExpressionAttributeNames: { '#role': 'role' },
          // Deleted two hours ago: past the stage's grace period, so the run frees its name.
          ExpressionAttributeValues: {
            ':deleted': { S: 'deleted' },
            ':at': { S: new Date(Date.now() - 2 * 3600 * 1000).toISOString() },
          },
        }),
      );
      const cleanup = stack.functions.get('account-cleanup')?.runtime;
      // It sweeps the deletions made above too, whose names it keeps until their grace period is over.
      expect(await cleanup?.invoke({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).toMatchObject(
        {
          freed: 1,
          failed: 0,
        },
      );
      expect((await client.signUp(cut.username)).username).toBe(cut.username);
    });

    it("issues an access token that verifies against the key set the deployed bundles serve, with the discovery document's issuer", async () => {
      const account = await client.signUp();
      const issued = await client.call('POST', '/token', {
        token: account.token,
        json: { audience: 'orders-api' },
      });
      expect(issued.status).toBe(200);
      const { access_token } = issued.json as { access_token: string };
      const discovery = (await client.call('GET', '/.well-known/openid-configuration')).json as {
        issuer: string;
      };
      const keySet = await client.call('GET', '/.well-known/jwks.json');
      expect(keySet.text).not.toContain('"d"');
      const { payload } = await jwtVerify(access_token, createLocalJWKSet(keySet.json as JSONWebKeySet), {
        issuer: discovery.issuer,
        audience: 'orders-api',
        algorithms: ['ES256'],
      });
      expect(payload.sub).toBe(account.user.id);
      const refused = await client.call('POST', '/token', {
        token: account.token,
        json: { audience: 'else' },
      });
      expect(errorCode(refused)).toBe('invalid_audience');
    });

    it('started every function of the template, answered no 5xx, and was refused no call', () => {
      const unstarted = [...stack.functions.values()].filter((fn) => fn.runtime.invocations === 0);
      expect(unstarted.map((fn) => fn.model.name)).toEqual([]);
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      expect(stack.refusals()).toEqual([]);
    });

    it('wrote no password, secret or token to any log line', () => {
      const logs = [...stack.functions.values()].flatMap((fn) => fn.logs).join('');
      expect(logs).toContain('loginSucceeded');
      // A generated secret is a string, or a JSON document whose long strings are the key material.
      const material = stack.model.secrets.flatMap(({ value }) =>
        value.startsWith('{')
          ? Object.values(JSON.parse(value) as Record<string, unknown>).filter(
              (field): field is string => typeof field === 'string' && field.length >= 32,
            )
          : [value],
      );
      expect(material.length).toBeGreaterThanOrEqual(2);
      for (const secret of [PASSWORD, 'another long passphrase here', ...material])
        expect(logs).not.toContain(secret);
      // Every token and device cookie is a JWT, and every JWT starts with the same encoded header.
      expect(logs).not.toMatch(/eyJ[\w-]+\.eyJ/);
    });
  });
}
