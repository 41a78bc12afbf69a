import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from '../../scripts/require-node.mjs';

describe('the Node 24 guard of npm start and npm test', () => {
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

  it('stops `npm test` on Node 20 with that one line and exit code 1, before installing anything', () => {
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
