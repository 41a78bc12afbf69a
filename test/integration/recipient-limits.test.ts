import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, callFrom, loopbackAddress, PASSWORD, sessionToken, uniqueUsername } from './http-client.ts';
import { lastMailTo, linkToken, mailTo } from './mail.ts';

/**
 * Per-recipient mail limits (security round 3, finding 4): one inbox gets at most 5 mails with a link or a
 * code and 20 security notices an hour, however many accounts and client addresses name it. Past that the
 * requests answer as before and nothing more is sent.
 */
const victimAddress = () => `victim.${randomBytes(5).toString('hex')}@example.com`;

describe('mail to one address, across accounts and clients', () => {
  it('sends at most 5 verification mails an hour to an address that 4 accounts on 4 addresses name', async () => {
    const victim = victimAddress();
    const answers: number[] = [];
    const sessions: { token: string; ip: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const ip = loopbackAddress();
      const signup = await callFrom(ip, 'POST', '/signup', {
        json: { username: uniqueUsername('flood'), password: PASSWORD, email: victim },
      });
      answers.push(signup.status);
      sessions.push({ token: sessionToken(signup) as string, ip });
    }
    // Each account asks for its link again, twice: a stolen session's "resend" button, pressed in a loop.
    for (const { token, ip } of sessions)
      for (let again = 0; again < 2; again++)
        answers.push((await callFrom(ip, 'PUT', '/email', { token, json: { email: victim } })).status);
    expect(answers).toEqual([201, 201, 201, 201, ...Array(8).fill(202)]);
    expect(await mailTo([victim])).toHaveLength(5);
  });

  it('counts an address the same whatever its case: at most 5 mails to it, whichever way it is spelled', async () => {
    const victim = victimAddress();
    const signup = await call('POST', '/signup', {
      json: { username: uniqueUsername('flood'), password: PASSWORD, email: victim },
    });
    const verified = await call('POST', '/email/verify', {
      json: { token: linkToken(await lastMailTo(victim), 'verify-email') },
    });
    expect([signup.status, verified.status]).toEqual([201, 204]);
    for (let i = 0; i < 6; i++) {
      const asked = await callFrom(loopbackAddress(), 'POST', '/password/forgot', {
        json: { email: i % 2 ? victim.toUpperCase() : victim },
      });
      expect(asked.status).toBe(202);
    }
    // The verification link, then at most 3 resets (the account's own limit) and in any case 5 in all.
    expect((await mailTo([victim])).length).toBeLessThanOrEqual(5);
  });

  it("cannot hold back the owner's reset link by flooding the address with verification links", async () => {
    const victim = victimAddress();
    await call('POST', '/signup', {
      json: { username: uniqueUsername('owner'), password: PASSWORD, email: victim },
    });
    await call('POST', '/email/verify', {
      json: { token: linkToken(await lastMailTo(victim), 'verify-email') },
    });
    // Strangers' accounts name the verified address: their links use up the address's verification hour.
    for (let i = 0; i < 6; i++)
      await callFrom(loopbackAddress(), 'POST', '/signup', {
        json: { username: uniqueUsername('stranger'), password: PASSWORD, email: victim },
      });
    const asked = await callFrom(loopbackAddress(), 'POST', '/password/forgot', { json: { email: victim } });
    expect(asked.status).toBe(202);
    const subjects = (await mailTo([victim])).map((mail) => mail.subject);
    expect(subjects.filter((subject) => subject.startsWith('Confirm'))).toHaveLength(5);
    expect(subjects.filter((subject) => subject.startsWith('Reset'))).toHaveLength(1);
  });

  it('sends at most 20 security notices an hour to one address; the changes themselves still happen', async () => {
    const victim = victimAddress();
    const ip = loopbackAddress();
    const signup = await callFrom(ip, 'POST', '/signup', {
      json: { username: uniqueUsername('notices'), password: PASSWORD, email: victim },
    });
    const token = sessionToken(signup) as string;
    await call('POST', '/email/verify', {
      json: { token: linkToken(await lastMailTo(victim), 'verify-email') },
    });
    let current = PASSWORD;
    for (let i = 0; i < 22; i++) {
      const next = `${PASSWORD} ${i}`;
      const changed = await callFrom(ip, 'POST', '/password', {
        token,
        json: { currentPassword: current, newPassword: next },
      });
      expect(changed.status).toBe(204);
      current = next;
    }
    const notices = (await mailTo([victim])).filter(
      (mail) => mail.subject === 'Your Pistus password was changed',
    );
    expect(notices).toHaveLength(20);
  });
});
