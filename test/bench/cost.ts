/**
 * `npm run bench:cost [-- --quick] [-- --from ASSEMBLY] [-- --json FILE]`: what each route costs, measured
 * on what deploys. The stage's synthesized bundles run as the deployed-artifact suite runs them (each in a
 * process of its own, with only its template environment, its AWS calls checked against its IAM
 * statements), against AWS's DynamoDB Local (`scripts/with-dynamodb-local.sh` gives DYNAMODB_ENDPOINT).
 * A user's whole journey goes through every route several times; for each route it records, per request:
 * the DynamoDB calls of its function (counted where its calls leave it) and the request units DynamoDB
 * says they consumed (`ReturnConsumedCapacity: TOTAL`, added on the way), the handler's duration and CPU
 * time and its container's peak memory (Lambda's REPORT line), and the mails it sent. The first request
 * of each route is left out (it pays the cold start and the first use of each client).
 *
 * Lambda duration on AWS is estimated, not measured: the time spent waiting (here on loopback) is kept,
 * and the CPU time is stretched by the share of a vCPU the function's memory buys (1,769 MB is one vCPU).
 * Dollars are per million requests at the list prices of ./prices.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  type ApiResponse,
  httpClient,
  loopbackAddress,
  PASSWORD,
  sessionToken,
  uniqueUsername,
} from '../support/http-client.ts';
import { linkToken, mailAt } from '../support/mail.ts';
import { authenticator, awayFromStepEdge } from '../support/totp.ts';
import { softwareAuthenticator } from '../support/webauthn.ts';
import { type DeployedStack, startDeployedStack } from '../artifacts/deployed-stack.ts';
import { cognitoMonthly, dollarsPerMillion, PRICES, type RequestCost } from './prices.ts';
import { median } from './stats.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    from: { type: 'string' },
    json: { type: 'string' },
  },
});
const dynamodbEndpoint = process.env.DYNAMODB_ENDPOINT;
if (!dynamodbEndpoint)
  throw new Error('run through scripts/with-dynamodb-local.sh: DYNAMODB_ENDPOINT is unset');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** One vCPU: below it, Lambda gives a function a share of a core in proportion to its memory. */
const ONE_VCPU_MB = 1769;
const JOURNEYS = values.quick ? 3 : 8;
/** The memory sizes each function is weighed at. */
const CANDIDATE_MB = [256, 512, 1024, ONE_VCPU_MB] as const;

interface Sample {
  calls: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  durationMs: number;
  cpuMs: number;
  maxMemoryUsedMb: number;
  mails: number;
}
export interface RouteCost {
  route: string;
  function: string;
  memoryMb: number;
  samples: number;
  /** DynamoDB calls per request, by operation (the median request's). */
  calls: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  durationMs: number;
  cpuMs: number;
  /** On Lambda at the configured memory: the waiting as measured, the CPU time at the memory's vCPU share. */
  lambdaMs: number;
  maxMemoryUsedMb: number;
  mails: number;
  dollarsPerMillion: RequestCost;
}

const templateFile = synthesized(values.from);
const stack = await startDeployedStack({ templateFile, dynamodbEndpoint, meterCapacity: true });
const client = httpClient(stack.apiUrl);
const samples = new Map<string, Sample[]>();

try {
  const admin = await anAdmin(stack);
  for (let journey = 0; journey < JOURNEYS; journey++) await userJourney(admin);
  const rows = [...samples].map(([route, list]) => summarize(route, list.slice(1)));
  print(rows);
  const sizes = memorySizes(rows);
  printMemory(sizes);
  if (values.json)
    writeFileSync(values.json, JSON.stringify({ prices: PRICES, rows, memory: sizes }, null, 2));
} finally {
  await stack.stop();
}

/** The dev stage's template and bundles: from a given cloud assembly, or synthesized now as `cdk deploy` would. */
function synthesized(from?: string): string {
  const assembly = from ?? mkdtempSync(join(tmpdir(), 'pistus-cost-'));
  if (!from)
    execFileSync('npx', ['cdk', 'synth', '--quiet', '-c', 'stage=dev', '-o', assembly], { stdio: 'ignore' });
  const file = readdirSync(assembly).find((name) => /^Pistus-.+\.template\.json$/.test(name));
  if (!file) throw new Error(`no Pistus stack template in ${assembly}`);
  return join(assembly, file);
}

/**
 * Calls one route and records what its function used for it. The route key is the template's; the function
 * is the one its integration names, so a route moved to another function is measured where it went.
 */
async function measure(routeKey: string, expected: number, call: () => Promise<ApiResponse>) {
  const logicalId = stack.model.routes.get(routeKey);
  const fn = [...stack.functions.values()].find((candidate) => candidate.model.logicalId === logicalId);
  if (!fn) throw new Error(`the template routes no function for ${routeKey}`);
  const [calls, reports, mails] = [fn.aws.consumed.length, fn.reports.length, await mailCount()];
  const response = await call();
  if (response.status !== expected)
    throw new Error(`${routeKey} answered ${response.status}, not ${expected}: ${response.text}`);
  const consumed = fn.aws.consumed.slice(calls);
  const report = fn.reports[reports];
  if (!report) throw new Error(`${routeKey}: ${fn.model.name} reported no invocation`);
  const sample: Sample = {
    calls: {},
    readUnits: 0,
    writeUnits: 0,
    durationMs: report.durationMs,
    cpuMs: report.cpuMs ?? 0,
    maxMemoryUsedMb: report.maxMemoryUsedMb ?? 0,
    mails: (await mailCount()) - mails,
  };
  for (const unit of consumed) {
    sample.calls[unit.operation] = (sample.calls[unit.operation] ?? 0) + 1;
    sample.readUnits += unit.readUnits;
    sample.writeUnits += unit.writeUnits;
  }
  samples.set(`${routeKey}\t${fn.model.name}`, [
    ...(samples.get(`${routeKey}\t${fn.model.name}`) ?? []),
    sample,
  ]);
  return response;
}

async function mailCount(): Promise<number> {
  const { emails } = (await (await fetch(`${stack.sesUrl}/store`)).json()) as { emails: unknown[] };
  return emails.length;
}

async function latestLinkToken(to: string, page: 'verify-email' | 'reset-password'): Promise<string> {
  return linkToken((await mailAt(stack.sesUrl, [to])).at(-1), page);
}

/** An administrator, made as `npm run account` makes one: the role written to the users table. */
async function anAdmin(deployed: DeployedStack): Promise<string> {
  const { username } = await client.signUp(uniqueUsername('admin'));
  await deployed.db.send(
    new UpdateItemCommand({
      TableName: deployed.functions.get('login')?.model.environment.USERS_TABLE,
      Key: { usernameKey: { S: username.toLowerCase() } },
      UpdateExpression: 'SET #role = :admin',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ':admin': { S: 'admin' } },
    }),
  );
  const login = await client.call('POST', '/login', { json: { username, password: PASSWORD } });
  return sessionToken(login) as string;
}

/** One user through every route, from its own address (the per-address limits are the stage's own). */
async function userJourney(admin: string) {
  const ip = loopbackAddress();
  const call = (method: string, path: string, options: Parameters<typeof client.call>[2] = {}) =>
    client.callFrom(ip, method, path, options);
  const username = uniqueUsername('cost');
  const email = `${username}@example.com`;
  const signup = await measure('POST /signup', 201, () =>
    call('POST', '/signup', { json: { username, password: PASSWORD, email } }),
  );
  const first = sessionToken(signup) as string;
  await measure('POST /email/verify', 204, async () =>
    call('POST', '/email/verify', { json: { token: await latestLinkToken(email, 'verify-email') } }),
  );
  await measure('GET /check_session', 200, () => call('GET', '/check_session', { token: first }));
  await measure('GET /home', 200, () => call('GET', '/home', { token: first }));

  const created = await measure('POST /registrations', 201, () =>
    call('POST', '/registrations', { token: first, json: { activity: 'Chess club', email } }),
  );
  const { id } = created.json as { id: string };
  await measure('GET /registrations', 200, () => call('GET', '/registrations?limit=20', { token: first }));
  await measure('GET /registrations/{id}', 200, () => call('GET', `/registrations/${id}`, { token: first }));
  await measure('POST /registrations/{id}/payment', 200, () =>
    call('POST', `/registrations/${id}/payment`, { token: admin }),
  );
  await measure('DELETE /registrations/{id}', 204, () =>
    call('DELETE', `/registrations/${id}`, { token: first }),
  );

  const login = await measure('POST /login', 200, () =>
    call('POST', '/login', { json: { username, password: PASSWORD } }),
  );
  const second = sessionToken(login) as string;
  const listed = await measure('GET /sessions', 200, () => call('GET', '/sessions', { token: second }));
  const other = (listed.json as { items: { id: string; current: boolean }[] }).items.find((s) => !s.current);
  await measure('DELETE /sessions/{id}', 204, () =>
    call('DELETE', `/sessions/${other?.id}`, { token: second }),
  );
  const newPassword = `${PASSWORD} again`;
  await measure('POST /password', 204, () =>
    call('POST', '/password', { token: second, json: { currentPassword: PASSWORD, newPassword } }),
  );

  const changed = `changed-${email}`;
  await measure('PUT /email', 202, () => call('PUT', '/email', { token: second, json: { email: changed } }));
  await call('POST', '/email/verify', { json: { token: await latestLinkToken(changed, 'verify-email') } });
  await measure('POST /password/forgot', 202, () =>
    call('POST', '/password/forgot', { json: { email: changed } }),
  );
  const resetPassword = `${PASSWORD} reset`;
  await measure('POST /password/reset', 204, async () =>
    call('POST', '/password/reset', {
      json: { token: await latestLinkToken(changed, 'reset-password'), newPassword: resetPassword },
    }),
  );
  const third = sessionToken(
    await call('POST', '/login', { json: { username, password: resetPassword } }),
  ) as string;

  await totpJourney(call, username, resetPassword, third);
  await passkeyJourney(call, third);

  await measure('DELETE /sessions', 204, () => call('DELETE', '/sessions', { token: third }));
  const last = sessionToken(
    await call('POST', '/login', { json: { username, password: resetPassword } }),
  ) as string;
  await measure('POST /logout', 204, () => call('POST', '/logout', { token: last }));
  await measure('$default', 404, () => call('GET', '/no/such/route'));
}

type Call = (
  method: string,
  path: string,
  options?: Parameters<typeof client.call>[2],
) => Promise<ApiResponse>;

/** TOTP on, a login finished with a recovery code, the codes renewed, TOTP off: each code step used once. */
async function totpJourney(call: Call, username: string, password: string, token: string) {
  const offer = await measure('POST /mfa/totp', 200, () => call('POST', '/mfa/totp', { token }));
  const app = authenticator((offer.json as { secret: string }).secret);
  await awayFromStepEdge();
  const confirmed = await measure('POST /mfa/totp/confirm', 200, () =>
    call('POST', '/mfa/totp/confirm', { token, json: { code: app.code(-1) } }),
  );
  const [recoveryCode] = (confirmed.json as { recoveryCodes: string[] }).recoveryCodes;
  const login = await call('POST', '/login', { json: { username, password } });
  const challenge = login.setCookies.find((c) => c.startsWith('__Host-mfa='))?.split(';')[0] ?? '';
  await measure('POST /login/mfa', 200, () =>
    call('POST', '/login/mfa', { json: { recoveryCode }, headers: { cookie: challenge } }),
  );
  await measure('POST /mfa/recovery-codes', 200, () =>
    call('POST', '/mfa/recovery-codes', { token, json: { code: app.code() } }),
  );
  await measure('DELETE /mfa/totp', 204, () =>
    call('DELETE', '/mfa/totp', { token, json: { code: app.code(1) } }),
  );
}

/** A passkey added, listed, signed in with and removed. */
async function passkeyJourney(call: Call, token: string) {
  // The stage's relying party: the client its template names.
  const origin = stack.functions.get('passkey-register')?.model.environment.RP_ORIGIN ?? '';
  const device = softwareAuthenticator({ origin });
  const options = await measure('POST /passkeys/register/options', 200, () =>
    call('POST', '/passkeys/register/options', { token }),
  );
  const registered = await measure('POST /passkeys/register', 201, () =>
    call('POST', '/passkeys/register', { token, json: { response: device.create(options.json as never) } }),
  );
  await measure('GET /passkeys', 200, () => call('GET', '/passkeys', { token }));
  const loginOptions = await measure('POST /passkeys/login/options', 200, () =>
    call('POST', '/passkeys/login/options'),
  );
  const cookie = loginOptions.setCookies.find((c) => c.startsWith('__Host-webauthn='))?.split(';')[0] ?? '';
  await measure('POST /passkeys/login', 200, () =>
    call('POST', '/passkeys/login', {
      json: { response: device.get(loginOptions.json as never) },
      headers: { cookie },
    }),
  );
  const { id } = registered.json as { id: string };
  await measure('DELETE /passkeys/{id}', 204, () => call('DELETE', `/passkeys/${id}`, { token }));
}

function summarize(key: string, list: Sample[]): RouteCost {
  const [route = '', name = ''] = key.split('\t');
  const memoryMb = stack.functions.get(name)?.model.memoryMb ?? 0;
  const middle = [...list].sort((a, b) => a.durationMs - b.durationMs)[Math.floor(list.length / 2)] as Sample;
  const mean = (pick: (s: Sample) => number) => list.reduce((sum, s) => sum + pick(s), 0) / list.length;
  const durationMs = median(list.map((s) => s.durationMs));
  const cpuMs = median(list.map((s) => s.cpuMs));
  const lambdaMs = onLambda(durationMs, cpuMs, memoryMb);
  const use = {
    readUnits: mean((s) => s.readUnits),
    writeUnits: mean((s) => s.writeUnits),
    billedMs: Math.ceil(lambdaMs),
    memoryMb,
    mails: mean((s) => s.mails),
  };
  return {
    route,
    function: name,
    memoryMb,
    samples: list.length,
    calls: middle.calls,
    readUnits: use.readUnits,
    writeUnits: use.writeUnits,
    durationMs,
    cpuMs,
    lambdaMs,
    maxMemoryUsedMb: Math.max(...list.map((s) => s.maxMemoryUsedMb)),
    mails: use.mails,
    dollarsPerMillion: dollarsPerMillion(use),
  };
}

/** The duration at a memory size: the waiting as measured, the CPU time at the share of a vCPU it buys. */
function onLambda(durationMs: number, cpuMs: number, memoryMb: number): number {
  return Math.max(0, durationMs - cpuMs) + cpuMs * Math.max(1, ONE_VCPU_MB / memoryMb);
}

/**
 * Each function's configured memory against the sizes it could have: its routes' estimated duration and
 * Lambda dollars per million requests at each, and the peak memory its container used (what must fit).
 */
function memorySizes(rows: RouteCost[]) {
  const byFunction = new Map<string, RouteCost[]>();
  for (const row of rows) byFunction.set(row.function, [...(byFunction.get(row.function) ?? []), row]);
  return [...byFunction].map(([name, routes]) => {
    const durationMs = routes.reduce((sum, r) => sum + r.durationMs, 0) / routes.length;
    const cpuMs = routes.reduce((sum, r) => sum + r.cpuMs, 0) / routes.length;
    return {
      function: name,
      configuredMb: routes[0]?.memoryMb ?? 0,
      peakUsedMb: Math.max(...routes.map((r) => r.maxMemoryUsedMb)),
      cpuShare: durationMs > 0 ? cpuMs / durationMs : 0,
      at: CANDIDATE_MB.map((memoryMb) => {
        const ms = onLambda(durationMs, cpuMs, memoryMb);
        const lambda = dollarsPerMillion({
          readUnits: 0,
          writeUnits: 0,
          billedMs: Math.ceil(ms),
          memoryMb,
          mails: 0,
        }).lambda;
        return { memoryMb, ms, lambda };
      }),
    };
  });
}

function printMemory(sizes: ReturnType<typeof memorySizes>) {
  console.log(
    `memory per function: estimated ms on Lambda and Lambda $ per million requests at ${CANDIDATE_MB.join(' / ')} MB (* configured)`,
  );
  for (const size of sizes) {
    const cells = size.at
      .map(
        (at) =>
          `${at.memoryMb === size.configuredMb ? '*' : ' '}${at.ms.toFixed(0).padStart(5)} ms $${at.lambda.toFixed(2).padStart(5)}`,
      )
      .join('  ');
    console.log(
      `${size.function.padEnd(25)} ${String(size.configuredMb).padStart(5)} MB, peak ${size.peakUsedMb.toFixed(0).padStart(3)} MB, CPU ${(size.cpuShare * 100).toFixed(0).padStart(3)}% of its time here   ${cells}`,
    );
  }
}

function print(rows: RouteCost[]) {
  const n = (value: number, digits = 1) => value.toFixed(digits);
  console.log(
    `What a request costs, per route (${rows[0]?.samples ?? 0} warm requests each; list prices ${PRICES.region}, ${PRICES.asOf}; $ per million requests)`,
  );
  console.log(
    'route                               memory  DynamoDB calls                     RRU   WRU   ms here  cpu ms  ms on λ  peak MB   API  Lambda  DynamoDB  SES    total',
  );
  for (const r of rows) {
    const calls = Object.entries(r.calls)
      .map(([op, count]) => `${op}${count > 1 ? `×${count}` : ''}`)
      .join(' ');
    const d = r.dollarsPerMillion;
    console.log(
      `${r.route.padEnd(35)} ${String(r.memoryMb).padStart(6)}  ${(calls || '-').padEnd(33)} ${n(r.readUnits).padStart(5)} ${n(r.writeUnits).padStart(5)} ${n(r.durationMs).padStart(8)} ${n(r.cpuMs).padStart(7)} ${n(r.lambdaMs).padStart(8)} ${n(r.maxMemoryUsedMb, 0).padStart(7)} ${n(d.api, 2).padStart(5)} ${n(d.lambda, 2).padStart(7)} ${n(d.dynamodb, 2).padStart(9)} ${n(d.ses, 0).padStart(4)} ${n(d.total, 2).padStart(8)}`,
    );
  }
  // The worked example: 10,000 monthly active users, each with 20 logins and 1,000 authenticated requests.
  const users = 10_000;
  const of = (route: string) => rows.find((r) => r.route === route)?.dollarsPerMillion.total ?? 0;
  const logins = (users * 20 * of('POST /login')) / 1e6;
  const requests = (users * 1000 * of('GET /check_session')) / 1e6;
  const cognito = cognitoMonthly(users);
  console.log(
    `worked example, ${users} MAU × (20 logins + 1,000 authenticated requests) a month: logins $${n(logins, 2)} + requests $${n(requests, 2)} = $${n(logins + requests, 2)}; Amazon Cognito for the same users: Essentials $${n(cognito.essentials, 2)} (within its 10,000 free MAU; $${n(cognito.essentialsWithoutFreeTier, 2)} without), Plus $${n(cognito.plus, 2)}, before the API and compute that serve the 1,000 requests`,
  );
}
