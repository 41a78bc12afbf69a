import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { allFunctions, apiFunctions, consumers, jobs, routeKeys, visibilityTimeoutOf } from '#infra/routes';
import { remindersQueue } from '#shared/aws/queues';
import { tables } from '#shared/data/tables';
import { CLAIM_LEASE_MS } from '#shared/registrations/reminder-sender';
import { checkWithCdkNag } from '#infra/nag';
import { PistusStack } from '#infra/pistus-stack';
import { appUrl, parseStackSettings, relyingParty } from '#infra/stack-settings';
import { synth } from './synth.ts';

type Statement = { Action: string | string[]; Resource: unknown };
const logicalPrefix = (name: string) => name.replace(/[^A-Za-z0-9]/g, '');

let template: Template;
beforeAll(() => {
  template = synth();
});

/**
 * A role's statements: its inline policies, and any AWS::IAM::Policy attached to it (none for the
 * functions' roles, whose grants are all inline).
 */
function roleStatements(roleId: string): Statement[] {
  const role = template.findResources('AWS::IAM::Role')[roleId];
  const inline = (
    (role?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]
  ).flatMap((policy) => policy.PolicyDocument.Statement);
  const attached = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  return [...inline, ...attached];
}

/** The actions a function's role may take, per table (by logical id) and per secret. */
function permissions(functionName: string) {
  const [, fn] = functionEntry(functionName);
  const statements = roleStatements(fn.Properties.Role['Fn::GetAtt'][0]);
  const on = (resourceIdPrefix: string) =>
    new Set(
      statements
        .filter((s) => JSON.stringify(s.Resource).includes(resourceIdPrefix))
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])),
    );
  return {
    users: on('userstable'),
    sessions: on('sessionstable'),
    registrations: on('registrationstable'),
    pepper: on('PasswordPepper'),
    mfaKey: on('MfaKey'),
    signing: on('SigningKeys'),
    identitySecrets: on('IdentityProviderSecrets'),
    accessTokenKeys: on('AccessTokenKeys'),
    statements,
  };
}

/** A function's logical id and resource, by its declared name. */
function functionEntry(name: string) {
  const entry = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) =>
    id.startsWith(`${logicalPrefix(name)}Function`),
  );
  if (!entry) throw new Error(`no function ${name}`);
  return entry;
}

/** The alarms whose math reads a queue's visible messages, by the queue's logical id. */
function queueAlarms(queueId: string) {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm) =>
    (alarm.Properties.Metrics ?? []).some(
      (query: { MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown } } }) =>
        query.MetricStat?.Metric.Namespace === 'AWS/SQS' &&
        query.MetricStat.Metric.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(query.MetricStat.Metric.Dimensions) ===
          JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]),
    ),
  );
}

/** Every action a function may take on a table, as `Action table` or `Action table/index`. */
function tableGrants(functionName: string): string[] {
  return permissions(functionName)
    .statements.filter((s) => /table/.test(JSON.stringify(s.Resource)))
    .flatMap((s) => {
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      const resources = (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => {
        const text = JSON.stringify(r);
        const table =
          /(users|sessions|registrations|loginattempts|suppressions|emails|accounttokens|passkeys|identities|publishedkeys)table/.exec(
            text,
          )?.[1];
        const index = /\/index\/(\w+)/.exec(text)?.[1];
        return index ? `${table}/${index}` : table;
      });
      return actions.flatMap((action) =>
        resources.map((resource) => `${action.replace('dynamodb:', '')} ${resource}`),
      );
    })
    .sort();
}

describe('the API', () => {
  it('routes exactly the declared keys, the same set the local runtime serves', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(keys.sort()).toEqual(routeKeys().sort());
    expect(keys).toContain('$default');
  });

  it('sends each route key to the function declared for it', () => {
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    for (const declaration of apiFunctions) {
      for (const routeKey of declaration.routes) {
        const route = routes.find((r) => r.Properties.RouteKey === routeKey);
        const integrationId = /"Ref":"([^"]+)"/.exec(JSON.stringify(route?.Properties.Target))?.[1] ?? '';
        const [functionId] = integrations[integrationId]?.Properties.IntegrationUri['Fn::GetAtt'] ?? [];
        expect({
          routeKey,
          function: String(functionId).startsWith(logicalPrefix(declaration.name)),
        }).toEqual({
          routeKey,
          function: true,
        });
      }
    }
  });

  it('invokes the API functions with one role whose policy allows lambda:InvokeFunction on them and nothing else, with no Lambda permission per route', () => {
    const integrations = Object.values(template.findResources('AWS::ApiGatewayV2::Integration'));
    expect(integrations).toHaveLength(apiFunctions.length);
    const roles = new Set(integrations.map((i) => JSON.stringify(i.Properties.CredentialsArn)));
    expect(roles.size).toBe(1);
    const [invokeRole] = integrations.map((i) => i.Properties.CredentialsArn['Fn::GetAtt'][0] as string);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
      },
    });
    const statements = roleStatements(String(invokeRole));
    expect(statements.flatMap((statement) => [statement.Action].flat())).toEqual(['lambda:InvokeFunction']);
    const invocable = statements
      .flatMap((statement) => [statement.Resource].flat() as { 'Fn::GetAtt': [string, string] }[])
      .map((arn) => arn['Fn::GetAtt'][0])
      .sort();
    expect(invocable).toEqual(apiFunctions.map((declaration) => functionEntry(declaration.name)[0]).sort());
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));
    expect(permissions.filter((p) => p.Properties.Principal === 'apigateway.amazonaws.com')).toEqual([]);
  });

  it('has one function per declared handler, on Node.js 24 arm64, with the declared memory, traced by X-Ray', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    for (const declaration of [...apiFunctions, ...jobs]) {
      const [, fn] =
        Object.entries(functions).find(([id]) => id.startsWith(logicalPrefix(declaration.name))) ?? [];
      expect(fn?.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: declaration.memoryMb,
        TracingConfig: { Mode: 'Active' },
      });
    }
  });

  it('outputs the API URL', () => {
    template.hasOutput('ApiUrl', {});
  });

  it('allows no cross-origin browser calls unless origins are configured', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    synth({ allowedOrigins: 'https://app.example.com' }).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://app.example.com'],
        AllowCredentials: true,
        // The same MaxAge the local API Gateway answers preflights with (corsPolicy).
        MaxAge: 600,
      }),
    });
  });
});

describe('the tables', () => {
  it('are on-demand with point-in-time recovery', () => {
    const tables = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'));
    expect(tables).toHaveLength(10);
    for (const table of tables) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
    }
  });

  it('keys users by the lower-cased name and expires sessions by TTL, with a by-user index', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'usernameKey', KeyType: 'HASH' }],
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'sid', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byUser' })],
    });
  });

  it('are destroyed with a dev stack and retained, deletion-protected, in prod', () => {
    for (const table of Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))) {
      expect(table.DeletionPolicy).toBe('Delete');
    }
    const prod = synth({ stage: 'prod' });
    for (const table of Object.values(prod.findResources('AWS::DynamoDB::GlobalTable'))) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
    }
  });
});

describe('least privilege', () => {
  it('lets check_session and home read sessions and record activity, read (never write) users, and never the pepper', () => {
    for (const name of ['check-session', 'home']) {
      const { users, sessions, pepper } = permissions(name);
      expect([...users].sort(), name).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem']);
      expect(pepper.size, name).toBe(0);
      expect(
        [...sessions].some((action) => /Put|Delete|BatchWrite/.test(action)),
        name,
      ).toBe(false);
      expect(sessions.has('dynamodb:GetItem'), name).toBe(true);
    }
  });

  it('lets login read users and update (not create or delete) them, and write sessions', () => {
    const { users, sessions } = permissions('login');
    expect(users.has('dynamodb:GetItem')).toBe(true);
    expect(users.has('dynamodb:UpdateItem')).toBe(true);
    expect([...users].some((action) => /Put|Delete|BatchWrite/.test(action))).toBe(false);
    expect(sessions.has('dynamodb:PutItem')).toBe(true);
  });

  it('lets signup create users and sessions, read back only a user it may have created, record its sign-in, and never read sessions', () => {
    const { users, sessions } = permissions('signup');
    expect([...users].sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect([...sessions]).toEqual(['dynamodb:PutItem']);
  });

  it('lets logout only delete sessions', () => {
    const { users, sessions, pepper } = permissions('logout');
    expect(users.size + pepper.size).toBe(0);
    expect(sessions.has('dynamodb:DeleteItem')).toBe(true);
    expect(sessions.has('dynamodb:GetItem')).toBe(false);
  });

  it('gives the pepper only to the functions that hash passwords, the MFA key only to those that check codes, and the signing keys to all that need them', () => {
    const mfa = ['login-mfa', 'reauth', 'totp-offer', 'totp-confirm', 'totp-disable', 'recovery-codes'];
    for (const declaration of apiFunctions) {
      const { pepper, signing, mfaKey } = permissions(declaration.name);
      expect(mfaKey.has('secretsmanager:GetSecretValue'), declaration.name).toBe(
        mfa.includes(declaration.name),
      );
      expect(pepper.has('secretsmanager:GetSecretValue'), declaration.name).toBe(
        declaration.secrets.includes('password-pepper'),
      );
      expect(signing.has('secretsmanager:GetSecretValue'), declaration.name).toBe(
        declaration.secrets.includes('signing-keys'),
      );
    }
  });

  it("gives the identity providers' client secrets to the callback alone, the function that exchanges codes", () => {
    for (const fn of [...apiFunctions, ...jobs, ...consumers])
      expect(permissions(fn.name).identitySecrets.has('secretsmanager:GetSecretValue'), fn.name).toBe(
        fn.name === 'identity-callback',
      );
    template.hasResourceProperties('AWS::SecretsManager::Secret', { SecretString: '{}' });
  });

  it('gives the access-token signing keys to the token function alone; the key set and discovery read none', () => {
    for (const fn of [...apiFunctions, ...jobs, ...consumers])
      expect(permissions(fn.name).accessTokenKeys.has('secretsmanager:GetSecretValue'), fn.name).toBe(
        fn.name === 'issue-token',
      );
  });

  it('puts no secret value in any environment, only secret ARNs', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const env = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      expect(env.SIGNING_KEYS).toBeUndefined();
      expect(env.PASSWORD_PEPPER).toBeUndefined();
      if (env.SIGNING_SECRET_ARN)
        expect(env.SIGNING_SECRET_ARN).toEqual({ Ref: expect.stringMatching(/^SigningKeys/) });
    }
  });
});

describe("each function's table permissions, pinned", () => {
  const session = [
    'GetItem sessions',
    'BatchGetItem sessions',
    'UpdateItem sessions',
    'GetItem users',
    'BatchGetItem users',
  ];
  const endSessions = [...session, 'DeleteItem sessions', 'Query sessions/byUser', 'UpdateItem users'];
  // A security notice: the suppression list, and the recipient's hour on the counters.
  // A security notice: the suppression list, the recipient's hour, and the account's passkeys it lists.
  const notice = [
    'BatchGetItem suppressions',
    'UpdateItem loginattempts',
    'GetItem loginattempts',
    'Query passkeys/byUser',
  ];
  // An account's deletion and its clean-up (shared/auth/account-deletion.ts).
  const deletion = [
    'UpdateItem users',
    'GetItem users',
    'DeleteItem users',
    'Query users/byName',
    'Query sessions/byUser',
    'DeleteItem sessions',
    'DeleteItem accounttokens',
    'Query passkeys/byUser',
    'DeleteItem passkeys',
    'Query identities/byUser',
    'DeleteItem identities',
    'DeleteItem emails',
    'Query registrations/byOwner',
    'DeleteItem registrations',
    'UpdateItem registrations',
  ];
  // An admin's change to an account found by id: one update, its session rows deleted after.
  const adminChange = [
    ...session,
    'Query users/byId',
    'UpdateItem users',
    'Query sessions/byUser',
    'DeleteItem sessions',
  ];
  // What removing a way in reads first (shared/auth/sign-in-methods.ts).
  const wayIn = [
    'UpdateItem users',
    'Query identities/byUser',
    'BatchGetItem identities',
    'Query passkeys/byUser',
    'BatchGetItem passkeys',
  ];
  const expected: Record<string, string[]> = {
    // Every sign-in records its moment on the account (UpdateItem users), for the admin API's last login.
    signup: [
      'PutItem sessions',
      'PutItem users',
      'UpdateItem users',
      'GetItem users',
      'PutItem accounttokens',
      'BatchGetItem suppressions',
      'UpdateItem loginattempts',
      'GetItem loginattempts',
    ],
    login: [
      'GetItem loginattempts',
      'DeleteItem loginattempts',
      'DeleteItem sessions',
      'GetItem users',
      'PutItem sessions',
      'UpdateItem loginattempts',
      'UpdateItem users',
      'PutItem accounttokens',
    ],
    logout: ['DeleteItem sessions'],
    'check-session': session,
    home: session,
    'change-password': [
      'GetItem loginattempts',
      'DeleteItem loginattempts',
      'UpdateItem loginattempts',
      ...endSessions,
      // Its security notice (and the notices of every route below that lists passkeys).
      'BatchGetItem suppressions',
      'Query passkeys/byUser',
    ],
    // Step-up: a password checked as a login is, a TOTP code's step used up, or a passkey's answer to its
    // challenge (taken once, the counter moved); the session marks when.
    reauth: [
      ...session,
      'UpdateItem users',
      'GetItem loginattempts',
      'UpdateItem loginattempts',
      'DeleteItem loginattempts',
      'DeleteItem accounttokens',
      'GetItem passkeys',
      'UpdateItem passkeys',
    ],
    'end-sessions': endSessions,
    'create-registration': [...session, 'PutItem registrations', 'GetItem registrations'],
    'list-registrations': [...session, 'Query registrations/byOwner', 'Query registrations/byRegisteredAt'],
    'get-registration': [...session, 'GetItem registrations'],
    'delete-registration': [...session, 'DeleteItem registrations'],
    'pay-registration': [...session, 'GetItem registrations', 'UpdateItem registrations'],
    'list-sessions': [...session, 'Query sessions/byUser'],
    'end-session': [...session, 'Query sessions/byUser', 'DeleteItem sessions'],
    'change-email': [
      ...session,
      'UpdateItem users',
      'UpdateItem loginattempts',
      'GetItem loginattempts',
      'PutItem accounttokens',
      'BatchGetItem suppressions',
      'Query passkeys/byUser',
    ],
    // No session, no mail: the token, its account, and the claim on the address.
    'verify-email': [
      'GetItem accounttokens',
      'DeleteItem accounttokens',
      'GetItem users',
      'UpdateItem users',
      'GetItem emails',
      'PutItem emails',
      // The verified address the new one replaces is released once the new one is proved.
      'DeleteItem emails',
      'UpdateItem loginattempts',
      'GetItem loginattempts',
    ],
    // Reads only: who the request names, its passkeys, and whether the limits allow a mail.
    'forgot-password': [
      'Query passkeys/byUser',
      'UpdateItem loginattempts',
      'GetItem loginattempts',
      'GetItem emails',
      'GetItem users',
      'PutItem accounttokens',
      'BatchGetItem suppressions',
    ],
    'reset-password': [
      'GetItem accounttokens',
      'DeleteItem accounttokens',
      'PutItem accounttokens',
      'GetItem users',
      'UpdateItem users',
      'Query sessions/byUser',
      'DeleteItem sessions',
      'UpdateItem loginattempts',
      'GetItem loginattempts',
      'BatchGetItem suppressions',
      'Query passkeys/byUser',
    ],
    // The second half of a login: its challenge taken once, the code's step or recovery code used up, its
    // counters, the new session.
    'login-mfa': [
      'GetItem users',
      'UpdateItem users',
      'GetItem loginattempts',
      'UpdateItem loginattempts',
      'DeleteItem loginattempts',
      'PutItem sessions',
      'DeleteItem sessions',
      'GetItem accounttokens',
      'DeleteItem accounttokens',
    ],
    'totp-offer': [...session, 'UpdateItem users'],
    'passkey-register-options': [...session, 'Query passkeys/byUser', 'PutItem accounttokens'],
    'passkey-register': [...session, 'DeleteItem accounttokens', 'PutItem passkeys', ...notice],
    'list-passkeys': [...session, 'Query passkeys/byUser'],
    // The account keeps another way in (its password, another passkey or an identity) before one goes.
    // The account keeps another way in: without a password, counted under a lease on its item (UpdateItem),
    // its identities and passkeys read again consistently (BatchGetItem).
    'delete-passkey': [...session, 'DeleteItem passkeys', ...wayIn, ...notice],
    // No session, no secret: a random challenge stored for 5 minutes, counted per client address first.
    'passkey-login-options': ['PutItem accounttokens', 'UpdateItem loginattempts', 'GetItem loginattempts'],
    'passkey-login': [
      'DeleteItem accounttokens',
      'GetItem passkeys',
      'UpdateItem passkeys',
      'GetItem users',
      'UpdateItem users',
      'PutItem sessions',
      'DeleteItem sessions',
    ],
    'totp-confirm': [...session, 'UpdateItem users', ...notice],
    'totp-disable': [
      ...session,
      'UpdateItem users',
      'GetItem loginattempts',
      'UpdateItem loginattempts',
      'DeleteItem loginattempts',
      'BatchGetItem suppressions',
      'Query passkeys/byUser',
    ],
    'recovery-codes': [
      ...session,
      'UpdateItem users',
      'GetItem loginattempts',
      'UpdateItem loginattempts',
      'DeleteItem loginattempts',
      'BatchGetItem suppressions',
      'Query passkeys/byUser',
    ],
    // No session, no table: the providers come from the settings.
    'identity-providers': [],
    // A session (optional: a link), and the flow kept for the callback.
    'identity-start': [
      ...session,
      'PutItem accounttokens',
      'UpdateItem loginattempts',
      'GetItem loginattempts',
    ],
    // The flow taken once; the identity claimed (and, for a first sign-in, the address and the user made);
    // a second factor's challenge or the session; a notice for a link.
    'identity-callback': [
      ...session,
      'DeleteItem accounttokens',
      'PutItem accounttokens',
      'GetItem identities',
      'PutItem identities',
      'UpdateItem identities',
      'DeleteItem identities',
      'PutItem users',
      'UpdateItem users',
      'GetItem emails',
      'PutItem emails',
      'PutItem sessions',
      'DeleteItem sessions',
      ...notice,
    ],
    'list-identities': [...session, 'Query identities/byUser'],
    'delete-identity': [...session, 'DeleteItem identities', ...wayIn, ...notice],
    // Everything an account holds, from the byUser and byOwner indexes: deleted, or a paid registration's
    // person removed (UpdateItem); the user item ended in one write, then removed.
    'delete-account': [...session, ...deletion, ...notice],
    'export-account': [
      ...session,
      'Query sessions/byUser',
      'Query passkeys/byUser',
      'Query identities/byUser',
      'Query registrations/byOwner',
    ],
    // The admin API: the users indexes (byName, byEmail to search, byId to find an account), never a Scan.
    'admin-list-users': [...session, 'Query users/byName', 'Query users/byEmail'],
    'admin-get-user': [
      ...session,
      'Query users/byId',
      'Query sessions/byUser',
      'Query passkeys/byUser',
      'Query identities/byUser',
      'Query registrations/byOwner',
    ],
    'admin-disable-user': adminChange,
    'admin-enable-user': adminChange,
    'admin-end-sessions': adminChange,
    'admin-set-role': adminChange,
    'admin-delete-user': [...session, 'Query users/byId', ...deletion, ...notice],
    'account-cleanup': deletion,
    // Access tokens: the token function publishes its keys (read, then a versioned put) before it signs;
    // the key set's function reads them; discovery reads nothing.
    'issue-token': [...session, 'GetItem publishedkeys', 'PutItem publishedkeys'],
    jwks: ['GetItem publishedkeys'],
    'openid-configuration': [],
    'not-found': [],
    'mail-feedback': ['PutItem suppressions'],
    // The planner deletes and reads; the sender claims (reading the registration in the claim) and records.
    deadline: [
      'BatchWriteItem registrations',
      'DeleteItem registrations',
      'BatchGetItem suppressions',
      'Query registrations/unpaidByDeadline',
    ],
    'reminder-sender': ['GetItem registrations', 'UpdateItem registrations'],
  };
  it.each(Object.entries(expected))('%s', (name, grants) => {
    expect(tableGrants(name)).toEqual([...new Set(grants)].sort());
  });

  it('lets no API function delete in bulk, and only delete-registration and the account deletions delete a registration', () => {
    for (const declaration of apiFunctions) {
      const grants = tableGrants(declaration.name);
      expect(
        grants.some((g) => g.startsWith('BatchWriteItem')),
        declaration.name,
      ).toBe(false);
      expect(grants.includes('DeleteItem registrations'), declaration.name).toBe(
        ['delete-registration', 'delete-account', 'admin-delete-user'].includes(declaration.name),
      );
    }
  });
});

describe('the deadline job', () => {
  const jobFunction = () =>
    Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('deadlineFunction'),
    );

  it('runs daily from an EventBridge rule, with retries and a dead-letter queue for undeliverable events', () => {
    const [id] = jobFunction() ?? [];
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [id, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2 },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^deadlinedeadletters'), 'Arn'] },
          },
        }),
      ],
    });
  });

  it('sends failed asynchronous invocations to the dead-letter queue, which an alarm watches', () => {
    const [, fn] = jobFunction() ?? [];
    expect(fn?.Properties.DeadLetterConfig.TargetArn['Fn::GetAtt'][0]).toMatch(/^deadlinedeadletters/);
    expect(fn?.Properties.Timeout).toBe(900);
    const queue = fn?.Properties.DeadLetterConfig.TargetArn['Fn::GetAtt'][0];
    const [alarm, ...others] = queueAlarms(queue);
    expect(others).toEqual([]);
    expect(alarm?.Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarm?.Properties.AlarmDescription).toContain('deadline');
  });

  it('may send email as the configured sender identity only, as may the routes that mail links or security notices, and no other', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'no-reply@example.com' });
    const notices = [
      'change-password',
      'reset-password',
      'totp-confirm',
      'totp-disable',
      'recovery-codes',
      'passkey-register',
      'delete-passkey',
      'identity-callback',
      'delete-identity',
      'delete-account',
      'admin-delete-user',
    ];
    const mailing = ['reminder-sender', 'signup', 'change-email', 'forgot-password', ...notices];
    for (const name of mailing) {
      const ses = permissions(name).statements.filter((s) => JSON.stringify(s.Action).includes('ses:'));
      expect(ses, name).toHaveLength(1);
      expect(ses[0]?.Action).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      expect(JSON.stringify(ses[0]?.Resource)).toMatch(/identity\/.*SenderIdentity/);
    }
    for (const declaration of [...apiFunctions, ...jobs].filter((fn) => !mailing.includes(fn.name))) {
      expect(JSON.stringify(permissions(declaration.name).statements), declaration.name).not.toContain(
        'ses:',
      );
    }
  });

  const onDeploy = (context: Record<string, string> = {}) => {
    const [resource] = Object.values(synth(context).findResources('Custom::AWS'));
    return JSON.stringify(resource?.Properties.Create).replace(/\\/g, '');
  };
  const runId = (invoke: string) => /"physicalResourceId":\{"id":"([^"]+)"\}/.exec(invoke)?.[1];

  it('runs once on a deploy that changes the job: an asynchronous invoke keyed on its code and settings', () => {
    expect(onDeploy()).toContain('"InvocationType":"Event"');
    // Not the clock: an unchanged app synthesizes the same id, so `cdk diff` is clean and nothing re-runs.
    expect(runId(onDeploy())).toBe(runId(onDeploy()));
    expect(runId(onDeploy())).toMatch(/^deadline-[0-9a-f]{16}$/);
    // A change to what the job runs with re-runs it.
    expect(runId(onDeploy({ sessionTtlSeconds: '7200' }))).not.toBe(runId(onDeploy()));
  });

  it('runs again on demand with -c deployId', () => {
    expect(runId(onDeploy({ deployId: '1' }))).toBe('deadline-1');
    expect(runId(onDeploy({ deployId: '2' }))).toBe('deadline-2');
  });

  it('gives the reminder sender the sender, the send rate and its share of it from the stack settings', () => {
    const [, fn] = functionEntry('reminder-sender');
    expect(fn.Properties.Environment.Variables).toMatchObject({
      SES_SENDER: 'no-reply@example.com',
      SES_MAX_SEND_RATE: '1',
      REMINDER_SENDERS: '2',
    });
    const [, planner] = jobFunction() ?? [];
    expect(planner?.Properties.Environment.Variables.SES_SENDER).toBeUndefined();
  });
});

describe('the reminders fanned out through SQS', () => {
  const queueId = (prefix: string) =>
    Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => id.startsWith(prefix)) ?? '';

  it('has a reminders queue, encrypted, with a dead-letter queue after 5 receives and a visibility of 6x the sender timeout', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      MessageRetentionPeriod: 2 * 86400,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [queueId('remindersdeadletters'), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 6 * 900,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [queueId('deadlinecontinuationsdeadletters'), 'Arn'] },
        maxReceiveCount: 3,
      },
    });
    // TLS only, on every queue.
    for (const id of Object.keys(template.findResources('AWS::SQS::Queue')))
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
  });

  it('feeds the sender through an event source mapping: batch of 10, maximum concurrency from the stage, partial batch responses', () => {
    const [senderId] = functionEntry('reminder-sender');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: senderId },
      EventSourceArn: { 'Fn::GetAtt': [queueId('remindersqueue'), 'Arn'] },
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const scaled = synth({ reminderSenders: '14', sesMaxSendRate: '14' });
    scaled.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 14 },
    });
    // The planner goes on from its cursor, one continuation at a time.
    const [plannerId] = functionEntry('deadline');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: plannerId },
      EventSourceArn: { 'Fn::GetAtt': [queueId('deadlinecontinuationsqueue'), 'Arn'] },
      BatchSize: 1,
    });
  });

  it('lets the planner send to the queues, and only the mapping receive: the sender mails, it sends to no queue', () => {
    const sqs = (name: string) =>
      permissions(name)
        .statements.filter((s) => JSON.stringify(s.Action).includes('sqs:'))
        .map((s) => ({ actions: [s.Action].flat().sort(), on: JSON.stringify(s.Resource) }));
    expect(sqs('deadline')).toEqual(
      expect.arrayContaining([
        { actions: ['sqs:SendMessage'], on: expect.stringContaining('remindersqueue') },
        { actions: ['sqs:SendMessage'], on: expect.stringContaining('deadlinecontinuationsqueue') },
      ]),
    );
    const senderSqs = sqs('reminder-sender');
    expect(senderSqs).toHaveLength(1);
    expect(senderSqs[0]?.actions).toEqual(
      [
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ].sort(),
    );
    expect(senderSqs[0]?.on).toContain('remindersqueue');
    for (const declaration of apiFunctions) expect(sqs(declaration.name), declaration.name).toEqual([]);
  });

  it('watches both dead-letter queues with an alarm, and names them in the outputs for the redrive', () => {
    for (const prefix of ['remindersdeadletters', 'deadlinecontinuationsdeadletters'])
      expect(queueAlarms(queueId(prefix)), prefix).toHaveLength(1);
    const outputs = template.findOutputs('*');
    for (const key of [
      'RemindersDeadLettersUrl',
      'RemindersDeadLettersArn',
      'DeadlineContinuationsDeadLettersArn',
    ])
      expect(outputs[key], key).toBeDefined();
  });

  it('refuses more senders than the rate keeps busy within their time, naming reminderSenders', () => {
    expect(() => parseStackSettings({ reminderSenders: '6' })).toThrow(
      /reminderSenders: at most 5 at sesMaxSendRate 1/,
    );
    expect(parseStackSettings({ reminderSenders: '70', sesMaxSendRate: '14' }).reminderSenders).toBe(70);
  });

  it('keeps the claim lease longer than the sender runs, and no longer than a failed message takes to come back', () => {
    const sender = consumers.find((fn) => fn.name === 'reminder-sender');
    expect(CLAIM_LEASE_MS).toBeGreaterThan((sender?.timeoutSeconds ?? Infinity) * 1000);
    expect(CLAIM_LEASE_MS).toBeLessThanOrEqual(visibilityTimeoutOf(remindersQueue) * 1000);
  });
});

describe('the stage settings', () => {
  it('refuse the placeholder sender for prod, naming the context key to set', () => {
    expect(() => parseStackSettings({ stage: 'prod' })).toThrow(
      /senderEmail: prod needs the sender address you verified in SES/,
    );
    expect(parseStackSettings({ stage: 'dev' }).senderEmail).toBe('no-reply@example.com');
    const prod = { stage: 'prod', senderEmail: 'payments@school.org', appUrl: 'https://school.org' };
    expect(parseStackSettings(prod).senderEmail).toBe('payments@school.org');
  });

  it('bind passkeys to the client: its host name and origin, unless rpId and rpOrigin say otherwise', () => {
    const rp = (context: Record<string, string>) =>
      relyingParty(parseStackSettings({ stage: 'dev', ...context }));
    expect(rp({ appUrl: 'https://app.school.org' })).toEqual({
      id: 'app.school.org',
      origin: 'https://app.school.org',
    });
    expect(
      rp({ appUrl: 'https://app.school.org', rpId: 'school.org', rpOrigin: 'https://app.school.org' }),
    ).toEqual({
      id: 'school.org',
      origin: 'https://app.school.org',
    });
    const env = Object.entries(
      synth({ appUrl: 'https://app.school.org' }).findResources('AWS::Lambda::Function'),
    ).find(([id]) => id.startsWith('passkeyloginFunction'))?.[1].Properties.Environment.Variables;
    expect(env).toMatchObject({ RP_ID: 'app.school.org', RP_ORIGIN: 'https://app.school.org' });
  });

  it("send the account mails' links to the client: appUrl, else the first allowed origin; prod refuses neither", () => {
    const sender = { senderEmail: 'payments@school.org' };
    expect(() => parseStackSettings({ stage: 'prod', ...sender })).toThrow(/appUrl: prod mails links/);
    const byOrigin = parseStackSettings({ stage: 'prod', ...sender, allowedOrigins: 'https://school.org' });
    expect(appUrl(byOrigin)).toBe('https://school.org');
    expect(appUrl(parseStackSettings({ stage: 'dev', appUrl: 'https://app.school.org' }))).toBe(
      'https://app.school.org',
    );
    expect(() => parseStackSettings({ stage: 'dev', appUrl: 'ftp://school.org' })).toThrow(/appUrl/);
  });
});

describe('cdk-nag', () => {
  it.each(['dev', 'prod'])('finds nothing unacknowledged in the %s stage', (stage) => {
    expect(() => synth({ stage })).not.toThrow();
  });

  it('fails the synth on a new finding', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    checkWithCdkNag(app);
    const stack = new PistusStack(app, 'Nagged', { settings: parseStackSettings({}) });
    // A queue without SSL enforcement: AwsSolutions-SQS4.
    new Queue(stack, 'Careless', { encryption: QueueEncryption.SQS_MANAGED });
    expect(() => Template.fromStack(stack)).toThrow(/SQS4/);
  });
});

describe('alarms', () => {
  const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm'));

  /** The alarms whose math reads the function's metric. */
  const watching = (functionId: string, metricName: string) =>
    alarms().filter((a) =>
      (a.Properties.Metrics ?? []).some(
        (query: { MetricStat?: { Metric: { MetricName: string; Dimensions: unknown } } }) =>
          query.MetricStat?.Metric.MetricName === metricName &&
          JSON.stringify(query.MetricStat.Metric.Dimensions) ===
            JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId } }]),
      ),
    );

  it('watch every function for errors and throttles, in groups of at most 10 named in the description', () => {
    for (const declaration of allFunctions()) {
      const [id] = functionEntry(declaration.name);
      for (const metric of ['Errors', 'Throttles']) {
        const found = watching(id, metric);
        expect(found, `${declaration.name} ${metric}`).toHaveLength(1);
        expect(found[0]?.Properties.AlarmDescription).toContain(declaration.name);
        expect(found[0]?.Properties.Threshold).toBe(1);
      }
    }
  });

  it("watch every function's p99 duration against 80% of its own timeout", () => {
    for (const declaration of allFunctions()) {
      const [id, fn] = functionEntry(declaration.name);
      const [alarm, ...others] = watching(id, 'Duration');
      expect(others, declaration.name).toEqual([]);
      // Its p99, over its own timeout in milliseconds, against 0.8.
      const queries = alarm?.Properties.Metrics as {
        Id: string;
        Expression?: string;
        MetricStat?: { Stat: string; Metric: { Dimensions: { Value: unknown }[] } };
      }[];
      const metric = queries.find(
        (query) =>
          JSON.stringify(query.MetricStat?.Metric.Dimensions[0]?.Value) === JSON.stringify({ Ref: id }),
      );
      expect(metric?.MetricStat?.Stat).toBe('p99');
      const share = queries.find((query) => new RegExp(`\\b${metric?.Id}\\b`).test(query.Expression ?? ''));
      expect(share?.Expression, declaration.name).toMatch(
        new RegExp(`\\) / ${fn.Properties.Timeout * 1000}$`),
      );
      expect(alarm?.Properties.Threshold, declaration.name).toBe(0.8);
    }
  });

  it('fit CloudWatch: at most 10 metrics and 10 expressions in any alarm', () => {
    for (const alarm of alarms()) {
      const queries = (alarm.Properties.Metrics ?? []) as { MetricStat?: unknown; Expression?: unknown }[];
      expect(queries.filter((query) => query.MetricStat).length).toBeLessThanOrEqual(10);
      expect(queries.filter((query) => query.Expression).length).toBeLessThanOrEqual(10);
    }
  });

  it('watch every table for throttled reads and writes, five tables an alarm', () => {
    const tableAlarms = alarms().filter((a) =>
      String(a.Properties.AlarmDescription).startsWith('DynamoDB throttled'),
    );
    expect(tableAlarms).toHaveLength(Math.ceil(tables.length / 5));
    for (const table of tables) {
      const watching = tableAlarms.filter((a) =>
        String(a.Properties.AlarmDescription).includes(`${table.name}`),
      );
      expect(watching.length, table.name).toBeGreaterThanOrEqual(1);
      const metrics = JSON.stringify(watching.map((a) => a.Properties.Metrics));
      for (const metric of ['ReadThrottleEvents', 'WriteThrottleEvents'])
        expect(metrics, `${table.name} ${metric}`).toContain(metric);
    }
  });

  it("log the run-on-deploy helper to the functions' log group, kept for a month, which its role alone lets it write to", () => {
    const [groupId, group] =
      Object.entries(template.findResources('AWS::Logs::LogGroup')).find(([id]) =>
        id.startsWith('FunctionLogs'),
      ) ?? [];
    expect(group?.Properties.RetentionInDays).toBe(30);
    const provider = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'),
    )?.[1];
    expect(provider?.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: groupId } });
    const statements = roleStatements(provider?.Properties.Role['Fn::GetAtt'][0]);
    expect(statements.map((s) => [[s.Action].flat().sort(), s.Resource])).toEqual([
      [['lambda:InvokeFunction'], { 'Fn::GetAtt': [functionEntry('deadline')[0], 'Arn'] }],
      [['logs:CreateLogStream', 'logs:PutLogEvents'], { 'Fn::GetAtt': [groupId, 'Arn'] }],
    ]);
  });

  it('watch the API 5xx rate', () => {
    const rate = alarms().find((a) =>
      JSON.stringify(a.Properties.Metrics ?? []).includes('100 * errors / requests'),
    );
    expect(JSON.stringify(rate?.Properties.Metrics)).toContain('"MetricName":"5xx"');
    expect(rate?.Properties.Threshold).toBe(1);
  });

  it('all go to one encrypted alarm topic, which an email can subscribe to', () => {
    const [topicId] = Object.keys(
      template.findResources('AWS::SNS::Topic', { Properties: { TopicName: 'pistus-dev-alarms' } }),
    );
    for (const alarm of alarms()) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const emailSubscriptions = { Properties: { Protocol: 'email' } };
    expect(Object.keys(template.findResources('AWS::SNS::Subscription', emailSubscriptions))).toEqual([]);
    synth({ alarmEmail: 'ops@example.com' }).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('mail that survives a new account', () => {
  const feedbackTopic = () => {
    const topics = template.findResources('AWS::SNS::Topic');
    const [id] = Object.keys(topics).filter((key) => !topics[key]?.Properties?.TopicName);
    return id as string;
  };

  it('sends through a configuration set that publishes bounces and complaints to an encrypted topic', () => {
    const [setId] = Object.keys(template.findResources('AWS::SES::ConfigurationSet'));
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: setId },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(['bounce', 'complaint']),
        SnsDestination: { TopicARN: { Ref: feedbackTopic() } },
      },
    });
    const [, sender] = functionEntry('reminder-sender');
    expect(sender.Properties.Environment.Variables.SES_CONFIGURATION_SET).toEqual({ Ref: setId });
  });

  it('lets the reminder sender send only as its sender, through that configuration set', () => {
    const statement = permissions('reminder-sender').statements.find((candidate) =>
      [candidate.Action].flat().includes('ses:SendEmail'),
    );
    const resources = JSON.stringify(statement?.Resource);
    expect(resources).toContain('identity/');
    expect(resources).toContain('configuration-set/');
    expect([statement?.Resource].flat()).toHaveLength(2);
  });

  it('subscribes the mail-feedback function, and only it, to the reports', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: feedbackTopic() },
      Endpoint: { 'Fn::GetAtt': [functionEntry('mail-feedback')[0], 'Arn'] },
    });
    const lambdaSubscriptions = template.findResources('AWS::SNS::Subscription', {
      Properties: { Protocol: 'lambda' },
    });
    expect(Object.keys(lambdaSubscriptions)).toHaveLength(1);
  });
});

describe('operability', () => {
  it('tags what an operator searches by with the stage, and names the API and alarm topic after it', () => {
    for (const type of [
      'AWS::Lambda::Function',
      'AWS::SQS::Queue',
      'AWS::SecretsManager::Secret',
      'AWS::SNS::Topic',
    ]) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(resource.Properties.Tags, type).toEqual(
          expect.arrayContaining([{ Key: 'pistus:stage', Value: 'dev' }]),
        );
      }
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'pistus-dev' });
    synth({ stage: 'prod' }).hasResourceProperties('AWS::SNS::Topic', { TopicName: 'pistus-prod-alarms' });
  });

  it('keeps every log group for a set time', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    for (const group of groups) expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('logs every function to the one function log group, each role writing only there', () => {
    const [groupId] = Object.keys(template.findResources('AWS::Logs::LogGroup')).filter((id) =>
      id.startsWith('FunctionLogs'),
    );
    for (const declaration of allFunctions()) {
      const [, fn] = functionEntry(declaration.name);
      expect(fn.Properties.LoggingConfig.LogGroup, declaration.name).toEqual({ Ref: groupId });
      const logs = permissions(declaration.name).statements.filter((s) =>
        JSON.stringify(s.Action).includes('logs:'),
      );
      expect(logs, declaration.name).toEqual([
        expect.objectContaining({ Resource: { 'Fn::GetAtt': [groupId, 'Arn'] } }),
      ]);
    }
  });

  it("keeps each function's grants inline in its own role: no AWS::IAM::Policy, no role shared", () => {
    const roles = allFunctions().map((declaration) => functionEntry(declaration.name)[1].Properties.Role);
    expect(new Set(roles.map((role) => JSON.stringify(role))).size).toBe(roles.length);
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    for (const role of roles)
      expect(
        policies.filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${role['Fn::GetAtt'][0]}"`)),
      ).toEqual([]);
    // What CDK adds by itself lands inline too: tracing, the job's dead-letter queue, the mappings' receive.
    const actions = (name: string) => permissions(name).statements.flatMap((s) => [s.Action].flat());
    for (const declaration of allFunctions())
      expect(actions(declaration.name), declaration.name).toEqual(
        expect.arrayContaining(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']),
      );
    expect(actions('deadline')).toEqual(expect.arrayContaining(['sqs:SendMessage', 'sqs:ReceiveMessage']));
    expect(actions('reminder-sender')).toContain('sqs:ReceiveMessage');
  });

  it('runs every function with source maps on, for readable stack traces from the minified bundles', () => {
    for (const [, fn] of Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
      [...apiFunctions, ...jobs].some((d) => id.startsWith(`${logicalPrefix(d.name)}Function`)),
    )) {
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });
});

describe('the API stage', () => {
  it('writes JSON access logs without headers, so no cookie or token is ever logged', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];
    const format = JSON.parse(stage?.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      routeKey: '$context.routeKey',
    });
    expect(JSON.stringify(format)).not.toMatch(/header|cookie|authorization/i);
  });

  it('throttles the whole API as the outer guard, at 1,000 requests/s: no one client can pull it for everyone', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
    });
  });
});

describe('stack settings', () => {
  it('fail the synth naming a bad setting', () => {
    expect(() => parseStackSettings({ stage: 'staging' })).toThrow(/stage/);
    expect(() => parseStackSettings({ bcryptCost: '8' })).toThrow(/bcryptCost/);
  });
});

describe('upgrading a stage one index at a time', () => {
  const userIndexes = (template: Template) => {
    const [users] = Object.entries(template.findResources('AWS::DynamoDB::GlobalTable')).filter(([id]) =>
      id.startsWith('userstable'),
    );
    const indexes = (users?.[1].Properties.GlobalSecondaryIndexes ?? []) as { IndexName: string }[];
    return indexes.map((index) => index.IndexName);
  };

  it('declares the users indexes byId, byName and byEmail, and leaves out those withoutIndexes names', () => {
    expect(userIndexes(template).sort()).toEqual(['byEmail', 'byId', 'byName']);
    expect(userIndexes(synth({ withoutIndexes: 'users.byName,users.byEmail' }))).toEqual(['byId']);
  });

  it('refuses to synthesize when withoutIndexes names an index no table declares', () => {
    expect(() => synth({ withoutIndexes: 'users.byNickname' })).toThrow(
      /names no declared index: users.byNickname/,
    );
    expect(() => synth({ withoutIndexes: 'not an index' })).toThrow(/withoutIndexes/);
  });
});
