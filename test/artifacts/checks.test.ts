import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FunctionError, type FunctionRuntime } from '#infra/local/function-runtime';
import { localFunctionRuntime, localSources } from '#infra/local/functions';
import { localSecrets } from '#infra/local/local-secrets';
import { LAZY_MODULES, lazyModulesIn } from '#infra/lazy-modules';
import { apiFunctions } from '#infra/routes';
import { packagesIn } from '../support/bundle-contents.ts';
import { httpClient, sessionToken } from '../support/http-client.ts';
import { type DeployedStack, startDeployedStack } from './deployed-stack.ts';
import { STAGES } from './synth.setup.ts';
import { deployedModel, loadTemplate, rolePolicyDocuments, type Template } from './template.ts';

const templateFile = () => inject('templates').dev;

/** A copy of the template with one action taken out of one function's role policies. */
function withoutGrant(template: Template, functionName: string, action: string): Template {
  const copy = structuredClone(template);
  const fn = Object.values(copy.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' &&
      String(resource.Metadata?.['aws:cdk:path']).startsWith(`Pistus-dev/${functionName}/`),
  );
  const role = (fn?.Properties?.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  if (removeAction(copy, role, action) === 0)
    throw new Error(`${functionName} has no grant of ${action} to remove`);
  return copy;
}

/** Takes an action out of every policy of a role (inline or attached), in place; how many it took out. */
function removeAction(template: Template, roleId: string, action: string): number {
  let removed = 0;
  for (const document of rolePolicyDocuments(template, roleId))
    for (const statement of document.Statement as { Action: string | string[] }[]) {
      const actions = [statement.Action].flat();
      removed += actions.filter((candidate) => candidate === action).length;
      statement.Action = actions.filter((candidate) => candidate !== action);
    }
  return removed;
}

describe('the IAM checker of the deployed-artifact suite', () => {
  let stack: DeployedStack;
  beforeAll(async () => {
    const file = templateFile();
    stack = await startDeployedStack({
      template: withoutGrant(loadTemplate(file), 'create-registration', 'dynamodb:PutItem'),
      templateFile: file,
    });
  });
  afterAll(() => stack?.stop());

  it('refuses a call whose grant was removed from the template, as AWS would, and the route fails', async () => {
    const client = httpClient(stack.apiUrl);
    const { token } = await client.signUp();
    const response = await client.call('POST', '/registrations', {
      token,
      json: { activity: 'Chess club', email: 'parent@example.com' },
    });
    expect(response.status).toBe(500);
    const table = stack.functions.get('create-registration')?.model.environment.REGISTRATIONS_TABLE;
    expect(stack.refusals()).toEqual([
      {
        functionName: 'create-registration',
        action: 'dynamodb:PutItem',
        resource: `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`,
      },
    ]);
    expect(stack.functions.get('create-registration')?.logs.join('')).toContain('AccessDeniedException');
  });
});

describe('the queues of the deployed-artifact suite, checked as AWS checks them', () => {
  it("refuses the planner's SendMessageBatch when its sqs:SendMessage grant is removed: the plan fails, nothing is reminded", async () => {
    const file = templateFile();
    const stack = await startDeployedStack({
      template: withoutGrant(loadTemplate(file), 'deadline', 'sqs:SendMessage'),
      templateFile: file,
    });
    try {
      const { id } = await dueRegistration(stack);
      const failure = await stack.functions
        .get('deadline')
        ?.runtime.invoke({})
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(String(failure)).toMatch(/left 1 registrations unprocessed/);
      // Refused on every try, and nothing else refused.
      expect(stack.refusals().length).toBeGreaterThan(0);
      for (const refusal of stack.refusals())
        expect(refusal).toMatchObject({ functionName: 'deadline', action: 'sqs:SendMessage' });
      // Nothing lost: still there, not reminded, for the retried plan.
      expect(await stack.db.send(getItem(stack, id))).toMatchObject({ Item: { unpaid: { S: 'unpaid' } } });
    } finally {
      await stack.stop();
    }
  });

  it("refuses to start the sender's event source mapping when its role may not receive from the queue, as Lambda does", async () => {
    const file = templateFile();
    await expect(
      startDeployedStack({
        template: withoutGrant(loadTemplate(file), 'reminder-sender', 'sqs:ReceiveMessage'),
        templateFile: file,
      }),
    ).rejects.toThrow(/reminder-sender may not sqs:ReceiveMessage/);
  });
});

describe('the API of the deployed-artifact suite, checked as API Gateway invokes', () => {
  it('refuses a route whose integration role may not invoke its function (API Gateway would answer 500), before anything starts', async () => {
    const file = templateFile();
    const copy = loadTemplate(file);
    const integration = Object.values(copy.Resources).find(
      (resource) =>
        resource.Type === 'AWS::ApiGatewayV2::Integration' &&
        JSON.stringify(resource.Properties?.IntegrationUri).includes('"homeFunction'),
    );
    const home = JSON.stringify(integration?.Properties?.IntegrationUri);
    const role = (integration?.Properties?.CredentialsArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    for (const document of rolePolicyDocuments(copy, role))
      for (const statement of document.Statement as { Resource: unknown }[])
        statement.Resource = [statement.Resource].flat().filter((arn) => JSON.stringify(arn) !== home);
    await expect(startDeployedStack({ template: copy, templateFile: file })).rejects.toThrow(
      /API Gateway may not invoke the function of (GET|POST) \/home/,
    );
  });
});

describe('a function missing a setting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pistus-parity-'));
  const runtimes: FunctionRuntime[] = [];
  afterAll(async () => {
    await Promise.all(runtimes.map((runtime) => runtime.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const initError = async (runtime: FunctionRuntime) => {
    runtimes.push(runtime);
    const error = await runtime.invoke({}).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(FunctionError);
    expect((error as FunctionError).phase).toBe('init');
    return (error as FunctionError).message;
  };

  it('fails its cold start locally exactly as its deployed bundle does, naming the setting', async () => {
    const file = templateFile();
    const deployed = await startDeployedStack({
      templateFile: file,
      environmentOverrides: { home: { SESSIONS_TABLE: undefined } },
    });
    const onAws = await initError(deployed.functions.get('home')?.runtime as FunctionRuntime).finally(() =>
      deployed.stop(),
    );

    const sources = localSources({
      shell: {},
      dynamodbEndpoint: 'http://127.0.0.1:9',
      appUrl: 'http://127.0.0.1:9',
      passkeyOrigin: 'http://localhost:9',
      sesEndpoint: 'http://127.0.0.1:9',
      tableName: (table) => `local-${table.name}`,
      queues: {},
    });
    const home = apiFunctions.find((fn) => fn.name === 'home');
    const local = localFunctionRuntime(
      { ...(home as (typeof apiFunctions)[number]), tables: [] },
      sources,
      localSecrets(join(dir, 'secrets.json')),
    );
    const locally = await initError(local);

    expect(onAws).toContain(
      'SESSIONS_TABLE: this function uses the sessions table but was not given its name',
    );
    expect(locally).toBe(onAws);
  });
});

describe.each(STAGES)('the %s bundles', (stage) => {
  const model = () => {
    const file = inject('templates')[stage];
    return deployedModel(loadTemplate(file), file, `Pistus-${stage}`);
  };
  const grants = (statements: { Action: string[] }[], prefix: string) =>
    statements.some((statement) => statement.Action.some((action) => action.startsWith(prefix)));

  it('carry no code their role cannot use: bcryptjs, jose and each AWS client (SQS: only to send) only with the grant for it', () => {
    for (const fn of model().functions) {
      const carried = packagesIn(fn.bundle);
      const secrets = fn.statements.filter((statement) =>
        statement.Action.includes('secretsmanager:GetSecretValue'),
      );
      const wants = {
        bcryptjs: 'PEPPER_SECRET_ARN' in fn.environment,
        jose: 'SIGNING_SECRET_ARN' in fn.environment,
        '@aws-sdk/client-secrets-manager': secrets.length > 0,
        '@aws-sdk/client-dynamodb': grants(fn.statements, 'dynamodb:'),
        '@aws-sdk/client-ses': grants(fn.statements, 'ses:'),
        // Receiving is the event source mapping's: only a function that sends to a queue needs the client.
        '@aws-sdk/client-sqs': grants(fn.statements, 'sqs:SendMessage'),
      };
      for (const [name, allowed] of Object.entries(wants))
        expect({ fn: fn.name, name, carried: carried.has(name) }).toEqual({
          fn: fn.name,
          name,
          carried: allowed && carried.has(name),
        });
    }
  });
});

describe.each(STAGES)('the %s bundles that load a module lazily', (stage) => {
  const model = () => {
    const file = inject('templates')[stage];
    return deployedModel(loadTemplate(file), file, `Pistus-${stage}`);
  };
  it('have it beside them, mapped by their package.json, and carry none of it inside', () => {
    const loading = model().functions.filter((fn) => lazyModulesIn(fn.bundle).length);
    // The passkey routes and the step-up, which takes a passkey too.
    expect(loading.map((fn) => fn.name).sort()).toEqual([
      'passkey-login',
      'passkey-login-options',
      'passkey-register',
      'passkey-register-options',
      'reauth',
    ]);
    for (const fn of loading) {
      const dir = dirname(fn.bundle);
      const { imports } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        imports: Record<string, string>;
      };
      for (const specifier of lazyModulesIn(fn.bundle)) {
        expect(imports[specifier]).toBe(`./${LAZY_MODULES[specifier]}.mjs`);
        expect(existsSync(join(dir, `${LAZY_MODULES[specifier]}.mjs`))).toBe(true);
      }
      expect(packagesIn(fn.bundle).has('@simplewebauthn/server'), fn.name).toBe(false);
    }
  });
});

describe('rotating the signing key under a running deployed stage, as docs/deploy.md says', () => {
  let stack: DeployedStack;
  beforeAll(async () => {
    const file = templateFile();
    stack = await startDeployedStack({
      templateFile: file,
    });
  });
  afterAll(() => stack?.stop());

  it('keeps old cookies working, signs new ones with the new kid, and retiring the old key ends only its tokens', async () => {
    const client = httpClient(stack.apiUrl);
    const kidOf = (token: string) =>
      (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid;
    const secret = stack.model.secrets.find((s) => s.arn.includes(':secret:SigningKeys'));
    if (!secret) throw new Error('no signing-keys secret in the template');
    const original = JSON.parse(secret.value) as { kid: string; secret: string };
    const before = await client.signUp();
    expect(kidOf(before.token)).toBe(original.kid);
    expect((await client.call('GET', '/check_session', { token: before.token })).status).toBe(200);

    // 1. Add the new key on top, the old one under "previous" (the secret's new version).
    const next = { kid: 'k2', secret: 'a-new-signing-secret-of-more-than-32-characters' };
    secret.value = JSON.stringify({ ...next, previous: [original] });
    // A new login container (a cold start after the rotation) signs with the new key…
    await stack.functions.get('login')?.runtime.stop();
    const login = await client.call('POST', '/login', {
      json: { username: before.username, password: before.password },
    });
    const after = sessionToken(login) as string;
    expect(kidOf(after)).toBe('k2');
    // …and the check-session container that started before the rotation accepts it, and the old cookie still.
    expect((await client.call('GET', '/check_session', { token: after })).status).toBe(200);
    expect((await client.call('GET', '/check_session', { token: before.token })).status).toBe(200);

    // 2. Retire the old key once its sessions have expired: containers started after that refuse only its tokens.
    secret.value = JSON.stringify(next);
    await stack.functions.get('check-session')?.runtime.stop();
    expect((await client.call('GET', '/check_session', { token: after })).status).toBe(200);
    expect((await client.call('GET', '/check_session', { token: before.token })).status).toBe(204);
    expect(stack.refusals()).toEqual([]);
  });
});

describe('a deployed function whose table throttles', () => {
  let stack: DeployedStack;
  beforeAll(async () => {
    const file = templateFile();
    stack = await startDeployedStack({
      templateFile: file,
      // Every write of a new registration is throttled, past the SDK's retries.
      faults: (functionName, operation) =>
        functionName === 'create-registration' && operation === 'PutItem' ? 'throttle' : undefined,
    });
  });
  afterAll(() => stack?.stop());

  it("answers 503 with Retry-After in the contract's error shape, and stores nothing", async () => {
    const client = httpClient(stack.apiUrl);
    const { token } = await client.signUp();
    const response = await client.call('POST', '/registrations', {
      token,
      json: { activity: 'Chess club', email: 'parent@example.com' },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.json).toEqual({
      error: { code: 'service_unavailable', message: 'The service is busy. Please try again shortly.' },
    });
    const list = await client.call('GET', '/registrations', { token });
    expect(list.json).toEqual({ items: [] });
    expect(stack.refusals()).toEqual([]);
  });
});

/** A registration a day before its deadline, written as the API stores it: one the planner queues. */
async function dueRegistration(stack: DeployedStack) {
  const id = crypto.randomUUID();
  const soon = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
  await stack.db.send(
    new PutItemCommand({
      TableName: registrationsTableOf(stack),
      Item: {
        id: { S: id },
        entity: { S: 'registration' },
        ownerId: { S: 'owner' },
        activity: { S: 'Chess club' },
        email: { S: 'parent@example.com' },
        registeredAt: { S: new Date().toISOString() },
        paymentDeadline: { S: soon },
        paid: { BOOL: false },
        unpaid: { S: 'unpaid' },
      },
    }),
  );
  return { id };
}

const registrationsTableOf = (stack: DeployedStack) =>
  String(stack.functions.get('deadline')?.model.environment.REGISTRATIONS_TABLE);
const getItem = (stack: DeployedStack, id: string) =>
  new GetItemCommand({ TableName: registrationsTableOf(stack), Key: { id: { S: id } } });
