import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import type { SessionView } from '#shared/auth/sessions';
import { call, callFrom, PASSWORD, sessionToken, signUp } from './http-client.ts';

const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';

type SessionItem = SessionView;

/** A user signed in three times: at signup, from Firefox on Windows, and from Safari on macOS. */
async function signedInThrice() {
  const { username, token: first } = await signUp();
  const login = async (ip: string, userAgent: string) => {
    const response = await callFrom(ip, 'POST', '/login', {
      json: { username, password: PASSWORD },
      headers: { 'user-agent': userAgent },
    });
    expect(response.status).toBe(200);
    return sessionToken(response) as string;
  };
  const firefox = await login('127.0.0.21', FIREFOX_WINDOWS);
  const safari = await login('127.0.0.22', SAFARI_MAC);
  return { username, first, firefox, safari };
}

const list = async (token: string) => {
  const response = await call('GET', '/sessions', { token });
  expect(response.status).toBe(200);
  return (response.json as { items: SessionItem[] }).items;
};

describe('GET /sessions', () => {
  it("lists the caller's live sessions, most recently active first, the current one marked, with device and IP", async () => {
    const { first, firefox, safari } = await signedInThrice();
    const items = await list(firefox);
    expect(items).toHaveLength(3);
    expect(items.filter((item) => item.current)).toHaveLength(1);
    const current = items.find((item) => item.current);
    expect(current).toMatchObject({ device: 'Firefox on Windows', ip: '127.0.0.21' });
    expect(items.find((item) => item.ip === '127.0.0.22')).toMatchObject({ device: 'Safari on macOS' });
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual([
        'createdAt',
        'current',
        'device',
        'id',
        'ip',
        'lastActiveAt',
      ]);
      expect(new Date(item.lastActiveAt).toISOString()).toBe(item.lastActiveAt);
    }
    const active = items.map((item) => item.lastActiveAt);
    expect(active).toEqual([...active].sort().reverse());
    // No token, no sid (the token's claim), no device cookie in the body.
    const text = JSON.stringify(items);
    for (const token of [first, firefox, safari]) {
      expect(text).not.toContain(token.split('.')[2]);
      const { sid } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
        sid: string;
      };
      expect(text).not.toContain(sid);
    }
  });

  it('answers 401 without a session', async () => {
    expect((await call('GET', '/sessions')).status).toBe(401);
  });

  it('drops a session at logout, and keeps only the one that changed the password', async () => {
    const { first, firefox, safari } = await signedInThrice();
    await call('POST', '/logout', { token: safari });
    expect(await list(firefox)).toHaveLength(2);
    const changed = await call('POST', '/password', {
      token: first,
      json: { currentPassword: PASSWORD, newPassword: 'a different horse entirely' },
    });
    expect(changed.status).toBe(204);
    const items = await list(first);
    expect(items).toHaveLength(1);
    expect(items[0]?.current).toBe(true);
  });
});

describe('DELETE /sessions/{id}', () => {
  it("ends that one session at once, and leaves the caller's others", async () => {
    const { first, firefox, safari } = await signedInThrice();
    const target = (await list(firefox)).find((item) => item.ip === '127.0.0.22') as SessionItem;
    const ended = await call('DELETE', `/sessions/${target.id}`, { token: firefox });
    expect(ended.status).toBe(204);
    expect(ended.setCookies).toEqual([]);
    expect((await call('GET', '/home', { token: safari })).status).toBe(401);
    expect((await call('GET', '/home', { token: first })).status).toBe(200);
    const after = await list(firefox);
    expect(after.map((item) => item.id)).not.toContain(target.id);
    expect(after).toHaveLength(2);
  });

  it('is a logout for the current session: the cookie is cleared and the token stops working', async () => {
    const { firefox } = await signedInThrice();
    const current = (await list(firefox)).find((item) => item.current) as SessionItem;
    const ended = await call('DELETE', `/sessions/${current.id}`, { token: firefox });
    expect(ended.status).toBe(204);
    expect(ended.setCookies[0]).toMatch(/^__Host-session=; .*Max-Age=0/);
    expect((await call('GET', '/home', { token: firefox })).status).toBe(401);
  });

  it("answers 404 for another user's session, an ended one and a malformed id, and ends nothing", async () => {
    const victim = await signedInThrice();
    const [victimSession] = await list(victim.firefox);
    const prober = await signUp();
    for (const id of [victimSession?.id, 'not-a-session', 'x'.repeat(300)]) {
      const probe = await call('DELETE', `/sessions/${encodeURIComponent(String(id))}`, {
        token: prober.token,
      });
      expect(probe.status, String(id)).toBe(404);
      expect(probe.json).toMatchObject({ error: { code: 'not_found' } });
    }
    expect(await list(victim.firefox)).toHaveLength(3);
    const other = (await list(victim.firefox)).find((item) => !item.current) as SessionItem;
    expect((await call('DELETE', `/sessions/${other.id}`, { token: victim.firefox })).status).toBe(204);
    expect((await call('DELETE', `/sessions/${other.id}`, { token: victim.firefox })).status).toBe(404);
  });

  it('never takes a session id as a credential, and answers 401 without a session', async () => {
    const { firefox } = await signedInThrice();
    const [item] = await list(firefox);
    const asBearer = await call('GET', '/home', { headers: { authorization: `Bearer ${item?.id}` } });
    expect(asBearer.status).toBe(401);
    expect((await call('DELETE', `/sessions/${item?.id}`)).status).toBe(401);
  });

  it('writes an audit line naming who ended which session', async () => {
    const { firefox } = await signedInThrice();
    const other = (await list(firefox)).find((item) => !item.current) as SessionItem;
    await call('DELETE', `/sessions/${other.id}`, { token: firefox });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = readFileSync(inject('logFile'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(
      lines.find((line) => line.event === 'sessionEnded' && line.endedSession === other.id),
    ).toMatchObject({
      userId: expect.any(String),
      clientIp: '127.0.0.1',
    });
  });
});
