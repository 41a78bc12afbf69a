/**
 * `npm run bundles [-- --from cdk.out]`: each function's bundle as the stack builds it (synthesized with
 * bundling on, unless --from names an existing cloud assembly), its size, its gzipped size, and its cold
 * load: the median, over 10 fresh Node.js processes, of the time to import the bundle (the handler module
 * with its settings validated and its clients built; a secret fetch it starts is not waited for), measured
 * inside each process so process start-up is not counted, and which of the watched packages (bcryptjs,
 * jose, the AWS clients) it carries. The peer, better-auth 1.x (test/bench/peers/better-auth.ts), is
 * bundled with the same esbuild options and timed the same way in the same run, interleaved with the
 * functions so that the machine's load falls on both alike. Fails when a bundle is over the budget.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { tables } from '#shared/data/tables';
import { queues } from '#shared/aws/queues';
import { BUNDLE_OPTIONS, LAZY_MODULES, lazyModulesIn } from '#infra/lazy-modules';
import { packagesIn, WATCHED_PACKAGES } from '../support/bundle-contents.ts';

/**
 * The budget per bundle ("Room to grow": 500 KB each). The DynamoDB and Secrets Manager clients, jose,
 * zod/mini, middy and Powertools Logger and Metrics come to about 330 KB; the password routes add bcryptjs
 * and the compressed common-password list (about 60 KB), those that mail the SES client (about 45 KB). The
 * passkey routes load SimpleWebAuthn from a file beside their bundle on their first ceremony
 * (infra/lazy-modules.ts): it is listed apart, under `lazy`, and not part of their cold start.
 */
export const BUNDLE_BUDGET_BYTES = 500 * 1024;
const RUNS = 10;

const { values } = parseArgs({ options: { from: { type: 'string' }, json: { type: 'string' } } });
const assembly = values.from ?? mkdtempSync(join(tmpdir(), 'pistus-bundles-'));
if (!values.from) {
  execFileSync(
    'npx',
    ['cdk', 'synth', '--quiet', '-c', 'stage=dev', '-c', 'deployId=bundles', '-o', assembly],
    {
      stdio: 'ignore',
    },
  );
}

const templateFile = readdirSync(assembly).find((file) => /^Pistus-.+\.template\.json$/.test(file));
if (!templateFile) throw new Error(`no Pistus stack template in ${assembly}`);
const template = JSON.parse(readFileSync(join(assembly, templateFile), 'utf8')) as {
  Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
};
const bundles = Object.entries(template.Resources)
  .filter(
    ([, r]) =>
      r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:cdk:path']?.endsWith('/Function/Resource'),
  )
  .map(([, r]) => ({
    name: (r.Metadata?.['aws:cdk:path'] ?? '').split('/')[1] ?? '?',
    file: join(assembly, r.Metadata?.['aws:asset:path'] ?? '', 'index.mjs'),
  }));

// What a function sees at cold start, so importing the bundle runs its real initialization.
const env = {
  ...process.env,
  STAGE: 'local',
  // Every table's name, from the one declaration: a new table cannot be forgotten here.
  ...Object.fromEntries(tables.map((table) => [table.envVar, table.name])),
  // And every queue's URL, from theirs.
  ...Object.fromEntries(
    queues.map((queue) => [queue.envVar, `https://sqs.us-east-1.amazonaws.com/000000000000/${queue.name}`]),
  ),
  SIGNING_KEYS: JSON.stringify({ kid: 'bench', secret: 'b'.repeat(43) }),
  PASSWORD_PEPPER: 'p'.repeat(43),
  // The functions that mail links are told where the client is.
  APP_URL: 'https://app.pistus.example',
  RP_ID: 'app.pistus.example',
  RP_ORIGIN: 'https://app.pistus.example',
  MFA_KEY: 'k'.repeat(43),
  MAIL_KEY: 'm'.repeat(43),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  LOG_LEVEL: 'SILENT',
};
/** The peer, bundled as PistusFunction bundles a function (infra/constructs/api-function.ts). */
const peerFile = join(mkdtempSync(join(tmpdir(), 'pistus-peer-')), 'index.mjs');
await build({
  entryPoints: ['test/bench/peers/better-auth.ts'],
  outfile: peerFile,
  bundle: true,
  ...BUNDLE_OPTIONS,
  mainFields: [...BUNDLE_OPTIONS.mainFields],
  logLevel: 'error',
});
// A secret of real entropy, so the peer starts without warnings.
const peerEnv = { ...process.env, PEER_SECRET: randomBytes(32).toString('base64url') };

const importMs = (file: string, environment: NodeJS.ProcessEnv = env) => {
  const url = pathToFileURL(resolve(file)).href;
  const script = `const t=performance.now();await import(${JSON.stringify(url)});console.log(performance.now()-t)`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: environment,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr}`);
  return Number(result.stdout.trim());
};
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const peerTimes: number[] = [];
const rows = bundles.map(({ name, file }) => {
  const bytes = statSync(file).size;
  const times = Array.from({ length: RUNS }, () => importMs(file));
  // One import of the peer beside each function's ten: its figure is taken over the whole run.
  peerTimes.push(importMs(peerFile, peerEnv));
  return {
    name,
    bytes,
    gzipBytes: gzipSync(readFileSync(file)).length,
    coldLoadMs: +median(times).toFixed(1),
    coldLoadMinMs: +Math.min(...times).toFixed(1),
    coldLoadMaxMs: +Math.max(...times).toFixed(1),
    overBudget: bytes > BUNDLE_BUDGET_BYTES,
    lazy: lazyModulesIn(file).map((specifier) => {
      const lazyFile = join(dirname(file), `${LAZY_MODULES[specifier]}.mjs`);
      return `${LAZY_MODULES[specifier]} ${kb(statSync(lazyFile).size)}, ${median(Array.from({ length: RUNS }, () => importMs(lazyFile))).toFixed(1)} ms`;
    }),
    carries: WATCHED_PACKAGES.filter((name) => packagesIn(file).has(name)).map((name) =>
      name.replace('@aws-sdk/client-', 'sdk:'),
    ),
  };
});

const peer = {
  name: 'better-auth (peer)',
  bytes: statSync(peerFile).size,
  gzipBytes: gzipSync(readFileSync(peerFile)).length,
  coldLoadMs: +median(peerTimes).toFixed(1),
  coldLoadMinMs: +Math.min(...peerTimes).toFixed(1),
  coldLoadMaxMs: +Math.max(...peerTimes).toFixed(1),
  runs: peerTimes.length,
};

console.log(
  `function              size     gzip    cold load (median of ${RUNS}, min-max)    carries (lazy: loaded on first use, its size and load)`,
);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(20)} ${kb(r.bytes).padStart(7)} ${kb(r.gzipBytes).padStart(7)}    ${`${r.coldLoadMs} ms (${r.coldLoadMinMs}-${r.coldLoadMaxMs})`.padEnd(26)}${r.carries.join(' ') || '-'}${r.lazy.length ? `  lazy: ${r.lazy.join('; ')}` : ''}${r.overBudget ? '  OVER BUDGET' : ''}`,
  );
}
console.log(
  `${peer.name.padEnd(20)} ${kb(peer.bytes).padStart(7)} ${kb(peer.gzipBytes).padStart(7)}    ${`${peer.coldLoadMs} ms (${peer.coldLoadMinMs}-${peer.coldLoadMaxMs})`.padEnd(26)}median of ${peer.runs}, one beside each function`,
);
console.log(`budget: ${kb(BUNDLE_BUDGET_BYTES)} per bundle`);
if (values.json) writeFileSync(values.json, JSON.stringify({ rows, peer }, null, 2));
if (rows.some((r) => r.overBudget)) process.exit(1);
