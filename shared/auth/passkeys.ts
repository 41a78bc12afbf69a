import { randomBytes } from 'node:crypto';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { usernameKey } from '#shared/auth/username';
import type { ChallengesTable } from '#shared/data/challenges';
import type { PasskeyRecord, PasskeysTable } from '#shared/data/passkeys';
import type { UserRecord, UsersTable } from '#shared/data/users';
import { type Clock, epochSeconds } from '#shared/platform/clock';
import { invalid } from '#shared/platform/outcomes';
import { passkeyView, type PasskeyView } from '#shared/auth/passkey-list';

/** SimpleWebAuthn, loaded on the first ceremony (a file of its own beside the bundle: infra/lazy-modules.ts). */
const webauthn = () => import('#shared/auth/webauthn-verifier');

/** A login challenge's id: 16 random bytes, base64url. */
const CHALLENGE_ID = /^[A-Za-z0-9_-]{22}$/;

/** How long a WebAuthn ceremony may take, from options to answer. */
export const CHALLENGE_SECONDS = 300;

const invalidPasskey = () =>
  invalid({ response: 'is not a valid answer to the current challenge' }, 'invalid_passkey');

export type PasskeyLogin = { kind: 'ok'; user: UserRecord } | { kind: 'invalid' };

/**
 * Passkeys (WebAuthn Level 3, with SimpleWebAuthn): discoverable credentials with user verification
 * required, bound to RP_ID and checked against RP_ORIGIN. Every challenge is random, stored server-side
 * for 5 minutes, and taken once (a conditional delete), so an answer cannot be replayed. A login checks
 * the signature counter (a clone that reuses a counter is refused) and counts as both factors: the device
 * holds the key and verified the user.
 */
export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

const expiry = (clock: Clock) => epochSeconds(clock()) + CHALLENGE_SECONDS;
const current = (clock: Clock, challenge: { expiresAt: number } | undefined) =>
  !!challenge && challenge.expiresAt > epochSeconds(clock());

/** A signed-in user's passkeys: adding one (options, then the authenticator's answer), listing, removing. */
export function createPasskeyRegistration(deps: {
  passkeys: PasskeysTable;
  challenges: ChallengesTable;
  clock: Clock;
  rp: RelyingParty;
}) {
  const { passkeys, challenges, clock, rp } = deps;
  return {
    async registrationOptions(user: { userId: string; username: string }) {
      const existing = await passkeys.listPasskeys(user.userId);
      const options = await (
        await webauthn()
      ).generateRegistrationOptions({
        rpName: rp.name,
        rpID: rp.id,
        userName: user.username,
        userID: new TextEncoder().encode(user.userId),
        attestationType: 'none',
        excludeCredentials: existing.map((passkey) => ({
          id: passkey.credentialId,
          transports: passkey.transports,
        })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        timeout: CHALLENGE_SECONDS * 1000,
      });
      await challenges.putChallenge(`register#${user.userId}`, {
        challenge: options.challenge,
        userId: user.userId,
        expiresAt: expiry(clock),
      });
      return options;
    },

    async register(
      user: { userId: string; username: string },
      response: RegistrationResponseJSON,
      name: string,
    ): Promise<PasskeyView> {
      const challenge = await challenges.takeChallenge(`register#${user.userId}`);
      if (!current(clock, challenge) || challenge?.userId !== user.userId) throw invalidPasskey();
      const verification = await (
        await webauthn()
      )
        .verifyRegistrationResponse({
          response,
          expectedChallenge: challenge.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.id,
          requireUserVerification: true,
        })
        .catch(() => undefined);
      if (!verification?.verified) throw invalidPasskey();
      const { credential } = verification.registrationInfo;
      const passkey: PasskeyRecord = {
        credentialId: credential.id,
        userId: user.userId,
        usernameKey: usernameKey(user.username),
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        ...(credential.transports?.length ? { transports: credential.transports } : {}),
        name,
        createdAt: clock().toISOString(),
      };
      await passkeys.putPasskey(passkey);
      return passkeyView(passkey);
    },
  };
}

export type PasskeyRegistration = ReturnType<typeof createPasskeyRegistration>;

/** The first half of a passkey login: a challenge for any passkey of this site, its id for a cookie. */
export function createPasskeyChallenges(deps: {
  challenges: ChallengesTable;
  clock: Clock;
  rp: RelyingParty;
}) {
  const { challenges, clock, rp } = deps;
  return {
    /** Options for a login with any passkey of this site, and the id of their challenge (for a cookie). */
    async loginOptions() {
      const options = await (
        await webauthn()
      ).generateAuthenticationOptions({
        rpID: rp.id,
        userVerification: 'required',
        timeout: CHALLENGE_SECONDS * 1000,
      });
      const challengeId = randomBytes(16).toString('base64url');
      await challenges.putChallenge(`login#${challengeId}`, {
        challenge: options.challenge,
        expiresAt: expiry(clock),
      });
      return { options, challengeId };
    },
  };
}

export type PasskeyChallenges = ReturnType<typeof createPasskeyChallenges>;

/** The second half: the authenticator's answer to that challenge, and the account its passkey belongs to. */
export function createPasskeyLogins(deps: {
  passkeys: PasskeysTable;
  challenges: ChallengesTable;
  users: UsersTable;
  clock: Clock;
  rp: RelyingParty;
}) {
  const { passkeys, challenges, users, clock, rp } = deps;
  return {
    /**
     * `ofUser`: only a passkey of this user counts (step-up); another's is refused before anything is
     * verified or recorded on it.
     */
    async login(
      challengeId: string | undefined,
      response: AuthenticationResponseJSON,
      ofUser?: string,
    ): Promise<PasskeyLogin> {
      // Only an id of the shape this module makes reaches the table (a cookie is the client's to write).
      const challenge =
        challengeId && CHALLENGE_ID.test(challengeId)
          ? await challenges.takeChallenge(`login#${challengeId}`)
          : undefined;
      if (!current(clock, challenge)) return { kind: 'invalid' };
      const passkey = await passkeys.findPasskey(response.id);
      if (!passkey || !challenge) return { kind: 'invalid' };
      if (ofUser !== undefined && passkey.userId !== ofUser) return { kind: 'invalid' };
      const verification = await (
        await webauthn()
      )
        .verifyAuthenticationResponse({
          response,
          expectedChallenge: challenge.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.id,
          credential: {
            id: passkey.credentialId,
            publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
            counter: passkey.counter,
            transports: passkey.transports as never,
          },
          requireUserVerification: true,
        })
        .catch(() => undefined);
      if (!verification?.verified) return { kind: 'invalid' };
      // The counter moves from the value read, or the use does not count (a cloned key racing its twin).
      const recorded = await passkeys.recordUse(
        passkey.credentialId,
        passkey.counter,
        verification.authenticationInfo.newCounter,
        clock().toISOString(),
      );
      const user = recorded ? await users.findUserByUsername(passkey.usernameKey) : undefined;
      if (!user || user.id !== passkey.userId || user.disabled) return { kind: 'invalid' };
      return { kind: 'ok', user };
    },
  };
}

export type PasskeyLogins = ReturnType<typeof createPasskeyLogins>;
