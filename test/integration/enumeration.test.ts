import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callFrom, signUp, uniqueUsername } from './http-client.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

describe('no user enumeration through login', () => {
  it(
    'answers an unknown user and a wrong password with the same status and body, in comparable time',
    { timeout: 60_000 },
    async () => {
      const SAMPLES = 40;
      // Fresh accounts, one wrong guess each, so no account lock; one client IP, below its 100-failure limit.
      const accounts = await Promise.all(Array.from({ length: SAMPLES }, () => signUp()));
      const ip = `127.${randomInt(1, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
      const attempt = async (username: string) => {
        const started = performance.now();
        const response = await callFrom(ip, 'POST', '/login', {
          json: { username, password: 'not the password at all' },
        });
        return { ms: performance.now() - started, status: response.status, text: response.text };
      };
      // Warm-up: the first unknown user builds the dummy hash once per container.
      await attempt(uniqueUsername('warmup'));

      const unknown: number[] = [];
      const wrong: number[] = [];
      const answers = new Set<string>();
      // Interleaved, so both sides see the same machine load.
      for (const account of accounts) {
        const a = await attempt(uniqueUsername('nobody'));
        const b = await attempt(account.username);
        unknown.push(a.ms);
        wrong.push(b.ms);
        answers.add(`${a.status} ${a.text}`).add(`${b.status} ${b.text}`);
      }
      expect([...answers]).toHaveLength(1);
      expect([...answers][0]).toMatch(/^401 /);
      const [u, w] = [median(unknown), median(wrong)];
      const difference = Math.abs(u - w) / Math.min(u, w);
      console.info(
        `login timing: unknown user median ${u.toFixed(2)} ms, wrong password ${w.toFixed(2)} ms, difference ${(difference * 100).toFixed(1)}%`,
      );
      expect(difference).toBeLessThan(0.25);
    },
  );
});
