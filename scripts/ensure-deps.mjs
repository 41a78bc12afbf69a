// Runs before `npm start` and `npm test` (npm's pre-scripts), so a fresh clone needs no separate install
// step: installs from the lockfile when node_modules is missing or was installed from another lockfile.
// Plain JavaScript with no dependencies, because it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { requireNode } from './require-node.mjs';

requireNode();

const lock = readFileSync('package-lock.json');
const digest = createHash('sha256').update(lock).digest('hex');
const marker = 'node_modules/.pistus-lock-sha256';

if (!existsSync(marker) || readFileSync(marker, 'utf8') !== digest) {
  console.log('Installing dependencies from package-lock.json (npm ci)...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  writeFileSync(marker, digest);
}
