import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { deviceLabel } from '#shared/auth/device-label';
import type { Sessions } from '#shared/auth/sessions';
import type { UserRecord } from '#shared/data/users';
import { type CookieOptions, sessionCookie } from '#shared/http/cookies';
import type { RequestFacts } from '#shared/http/request-parts';

/**
 * The one step every sign-in kind ends with (signup, password, second factor, passkey): the session the
 * browser still carried ends (a shared computer; signup passes none, as its role may not delete one), a new
 * one starts for this device and client address, and its cookie is what the answer sets. A fresh session id
 * on every sign-in (ASVS 5.0 V3.2).
 */
export async function issueSession(
  services: { sessions: Pick<Sessions, 'start' | 'end' | 'lifetimeSeconds'>; cookie: CookieOptions },
  user: UserRecord,
  request: { event: APIGatewayProxyEventV2; facts: RequestFacts; previous: string | undefined },
): Promise<{ token: string; cookie: string }> {
  const { sessions, cookie } = services;
  await sessions.end(request.previous);
  const { token } = await sessions.start(user, {
    device: deviceLabel(request.event.headers['user-agent']),
    ip: request.facts.clientIp,
  });
  return { token, cookie: sessionCookie(cookie, token, sessions.lifetimeSeconds) };
}
