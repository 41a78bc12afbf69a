/**
 * Both stages synthesized once per change, bundles included, as `cdk deploy` would build them, and reused by
 * whatever needs them in the same run: the deployed-artifact tests, the template checks (cfn-lint, and the
 * second synth that must come out identical) and the bundle sizes. The cloud assembly lives under
 * `.local/synth/<digest>`, the digest taken over everything a synth reads (the app's sources, the
 * lockfile, cdk.json, the context given); a folder is complete only once its `done` marker is written, so
 * an interrupted synth is never reused. Concurrent callers (test files, CI steps) wait for one synth.
 *
 *   node scripts/synth-once.ts [dev|prod ...]   prints each stage's assembly folder, synthesizing if needed
 *
 * Both stages are one assembly (`cdk synth` of the whole app): their templates are what a synth of either
 * alone gives (scripts/check-templates.sh compares them), at the cost of one.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

const root = fileURLToPath(new URL('..', import.meta.url));
/** What a synth reads: the app, its functions and shared code, and how they are built. */
const INPUTS = [
  'infra',
  'functions',
  'shared',
  'package.json',
  'package-lock.json',
  'cdk.json',
  'tsconfig.json',
];
/**
 * The identity provider the artifacts suite's stages declare: the local test provider over TLS, stood in
 * for a real one at this address (test/artifacts/synth.setup.ts starts it, its certificate trusted by the
 * functions as Lambda trusts a provider's public CA).
 */
export const ARTIFACTS_PROVIDER = {
  id: 'standin',
  name: 'Stand-in',
  issuer: 'https://127.0.0.1:8417',
  clientId: 'pistus-artifacts',
};

/**
 * The settings a prod synth must name (its placeholder sender is refused); any address will do here. And
 * the stand-in provider, so the deployed bundles sign in with one.
 */
export const SYNTH_CONTEXT = [
  '-c',
  'senderEmail=payments@pistus.example',
  '-c',
  'appUrl=https://app.pistus.example',
  '-c',
  `identityProviders=${JSON.stringify([ARTIFACTS_PROVIDER])}`,
  '-c',
  'tokenAudiences=orders-api',
];

function files(path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

/** The digest of every input of a synth, with the context and the Node that bundles. */
export function synthDigest(extraContext: readonly string[] = []): string {
  const hash = createHash('sha256').update(
    JSON.stringify([process.versions.node, SYNTH_CONTEXT, extraContext]),
  );
  for (const file of INPUTS.flatMap(files))
    hash.update(`${relative(root, join(root, file))}\0`).update(readFileSync(join(root, file)));
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Whether the process that took a lock is still running (a lock without its pid yet is being taken). */
function holderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return true; // no pid written yet, or the lock just went: wait and look again
  }
  if (!pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, another user's; ESRCH: gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes a lock folder (atomic mkdir), waiting while another process holds it; a stale one is broken. */
async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  for (const started = Date.now(); ;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      // A holder that died (a run stopped with Ctrl-C) leaves its lock: it is broken at once when its
      // process is gone, and in any case after ten minutes, far past any synth here.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (!holderAlive(lock) || Date.now() - since > 600_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 900_000) throw new Error(`waited 15 minutes for ${lock}`);
      await sleep(250);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Synthesizes into `out` exactly as `npm run synth` does (cdk-nag included): one stage with `stage`, else
 * the app's every stage in one assembly. One synth of both costs what one of either does: their functions'
 * bundles are the same assets, built once.
 */
export async function synthStage(
  stage: Stage | undefined,
  out: string,
  extraContext: readonly string[] = [],
): Promise<void> {
  await promisify(execFile)(
    join(root, 'node_modules/.bin/cdk'),
    [
      'synth',
      '--quiet',
      ...(stage ? ['-c', `stage=${stage}`] : []),
      ...SYNTH_CONTEXT,
      ...extraContext,
      '-o',
      out,
    ],
    { cwd: root, env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' }, maxBuffer: 64 * 1024 * 1024 },
  );
}

const base = join(root, '.local/synth');

/** Where both stages' cloud assembly for the sources as they are now is (or will be, once synthesized). */
export function synthesisFolders(): Record<Stage, string> {
  const dir = join(base, synthDigest());
  return { dev: dir, prod: dir };
}

/** Each stage's cloud assembly folder for the sources as they are now (one folder), synthesized once. */
export async function synthesized(): Promise<Record<Stage, string>> {
  mkdirSync(base, { recursive: true });
  const dir = join(base, synthDigest());
  await withLock(`${dir}.lock`, async () => {
    if (existsSync(join(dir, 'done'))) return;
    // Older digests are of sources that are gone: only the newest is kept.
    for (const name of readdirSync(base))
      if (!name.endsWith('.lock') && join(base, name) !== dir)
        rmSync(join(base, name), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    await synthStage(undefined, dir);
    writeFileSync(join(dir, 'done'), new Date().toISOString());
  });
  return { dev: dir, prod: dir };
}

/** A stage's template file in its assembly folder. */
export const templateIn = (assembly: string, stage: Stage) => join(assembly, `Pistus-${stage}.template.json`);

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const asked = process.argv.slice(2) as Stage[];
  const unknown = asked.filter((stage) => !STAGES.includes(stage));
  if (unknown.length) throw new Error(`unknown stage ${unknown.join(', ')}: ${STAGES.join(' or ')}`);
  const done = await synthesized();
  for (const stage of asked.length ? asked : STAGES) console.log(done[stage]);
}
