import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { NODE_VERSION } from '../../scripts/node24.mjs';
import { nodeVersionProblem } from '../../scripts/require-node.mjs';

describe('Node 24 for npm start and npm test', () => {
  it('accepts Node 24 and newer', () => {
    expect(nodeVersionProblem('v24.0.0')).toBeUndefined();
    expect(nodeVersionProblem('v24.22.3')).toBeUndefined();
    expect(nodeVersionProblem('v26.1.0')).toBeUndefined();
  });

  it('names the version needed and how to get it for an older one', () => {
    const problem = nodeVersionProblem('v20.20.2');
    expect(problem).toContain('Node.js 24');
    expect(problem).toContain('v20.20.2');
    expect(problem).toContain('scripts/node24.sh');
  });

  it('`npm test` on Node 20 runs its command under Node 24 instead, saying so in one line', () => {
    // A real process whose process.version is faked to 20 runs the wrapper `npm start` and `npm test` use;
    // the command it runs is a fresh process, which reports its real version.
    const fake = "data:text/javascript,Object.defineProperty(process,'version',{value:'v20.20.2'})";
    const result = spawnSync(
      process.execPath,
      ['--import', fake, 'scripts/node24.mjs', 'node', '-p', 'process.versions.node'],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(NODE_VERSION);
    expect(result.stderr).toContain(`Node v20.20.2 here; running under Node ${NODE_VERSION}`);
  });

  it("passes the command's exit code on", () => {
    const result = spawnSync(process.execPath, ['scripts/node24.mjs', 'node', '-e', 'process.exit(3)']);
    expect(result.status).toBe(3);
  });

  it('stops a script run by hand on Node 20 with that one line and exit code 1, before installing anything', () => {
    // A real process whose process.version is faked to 20, running the pre-script npm runs.
    const fake = "data:text/javascript,Object.defineProperty(process,'version',{value:'v20.20.2'})";
    const result = spawnSync(process.execPath, ['--import', fake, 'scripts/ensure-deps.mjs'], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([nodeVersionProblem('v20.20.2')]);
  });
});
