import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, callFrom, loopbackAddress, PASSWORD, signUp, uniqueUsername } from './http-client.ts';
import { lastMailTo, linkToken, mailTo } from './mail.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

describe('no user enumeration through login', () => {
  it(
    'answers an unknown user and a wrong password with the same status and body, in comparable time',
    { timeout: 60_000 },
    async () => {
      const SAMPLES = 40;
      // Fresh accounts, one wrong guess each, so no account lock; one client IP, below its 100-failure limit.
      const accounts = await Promise.all(Array.from({ length: SAMPLES }, () => signUp()));
      const ip = loopbackAddress();
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

describe('no account enumeration through "forgot password"', () => {
  it(
    'answers an account that is mailed and an unknown address with the same 202 body, in comparable time',
    { timeout: 120_000 },
    async () => {
      const SAMPLES = 12;
      // Accounts with verified addresses (signup, then the link): a request for each is mailed a reset link.
      const accounts = [];
      for (let i = 0; i < SAMPLES; i++) {
        const email = `timing.${randomBytes(5).toString('hex')}@example.com`;
        await call('POST', '/signup', {
          json: { username: uniqueUsername('timing'), password: PASSWORD, email },
        });
        const token = linkToken(await lastMailTo(email), 'verify-email');
        expect((await call('POST', '/email/verify', { json: { token } })).status).toBe(204);
        accounts.push(email);
      }
      // Each request from its own address, so no per-address limit is met on either side.
      const ask = async (email: string) => {
        const started = performance.now();
        const response = await callFrom(loopbackAddress(), 'POST', '/password/forgot', { json: { email } });
        return { ms: performance.now() - started, answer: `${response.status} ${response.text}` };
      };
      await ask(`warmup.${randomBytes(5).toString('hex')}@example.com`);
      const mailed: number[] = [];
      const unknown: number[] = [];
      const answers = new Set<string>();
      for (const email of accounts) {
        const a = await ask(email);
        const b = await ask(`nobody.${randomBytes(5).toString('hex')}@example.com`);
        mailed.push(a.ms);
        unknown.push(b.ms);
        answers.add(a.answer).add(b.answer);
      }
      expect([...answers]).toHaveLength(1);
      expect([...answers][0]).toMatch(/^202 /);
      expect((await mailTo(accounts)).filter((mail) => mail.subject.startsWith('Reset'))).toHaveLength(
        SAMPLES,
      );
      const [m, u] = [median(mailed), median(unknown)];
      const difference = Math.abs(m - u) / Math.min(m, u);
      console.info(
        `forgot timing: mailed median ${m.toFixed(2)} ms, unknown address ${u.toFixed(2)} ms, difference ${(difference * 100).toFixed(1)}%`,
      );
      expect(difference).toBeLessThan(0.25);
    },
  );
});
