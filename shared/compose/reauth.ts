import { createReauth, type Reauth } from '#shared/auth/reauth';
import { loginsService } from '#shared/compose/logins';
import { totpService } from '#shared/compose/mfa';
import { passkeyLoginsService } from '#shared/compose/passkeys';
import { sessionsService } from '#shared/compose/sessions';
import { service } from '#shared/compose/needs';

let reauth: Reauth | undefined;

/**
 * Step-up proofs: the password behind the login counters, a TOTP code, or a passkey; the session marks the
 * moment.
 */
export const reauthService = /* @__PURE__ */ service(
  { uses: [loginsService, sessionsService, totpService, passkeyLoginsService] },
  (config): Reauth => {
    // Asked for now so their settings are checked at cold start; each retries its own failed load.
    for (const loading of [loginsService(config), sessionsService(config)]) loading.catch(() => undefined);
    const totp = totpService(config);
    const passkeys = passkeyLoginsService(config);
    reauth ??= createReauth({
      logins: () => loginsService(config),
      totp: () => totp,
      passkeys: () => passkeys,
      sessions: () => sessionsService(config),
    });
    return reauth;
  },
);
