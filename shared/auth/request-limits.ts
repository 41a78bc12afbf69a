import { HOUR_SECONDS, type RateLimits, type TakeOutcome } from '#shared/auth/rate-limits';

/**
 * The per-client limits on what costs a password hash or a mail (issue "No single client drains the
 * service"): keyed on the address API Gateway saw (never a client's header), and on the account where there
 * is one. Failed logins have their own counters (login-throttle-policy.ts); "forgot password" its own
 * limits, which answer the same 202 so that they tell nothing (password-reset.ts).
 */
export type LimitedAction =
  | 'signup'
  | 'passwordChange'
  | 'passwordReset'
  | 'emailVerify'
  | 'verificationMail'
  | 'passkeyOptions'
  | 'signInStart';

export interface RequestLimitSettings {
  SIGNUP_LIMIT_PER_IP: number;
  PASSWORD_CHANGE_LIMIT_PER_ACCOUNT: number;
  RESET_LIMIT_PER_IP: number;
  VERIFY_LIMIT_PER_IP: number;
  VERIFY_MAILS_PER_HOUR: number;
  PASSKEY_OPTIONS_LIMIT_PER_IP: number;
  SIGN_IN_STARTS_LIMIT_PER_IP: number;
}

interface Policy {
  per: 'ip' | 'account';
  limit: number;
  windowSeconds: number;
}

const TEN_MINUTES = 600;

/** Each action's limits, from the settings (README, "Settings"). */
export const requestLimitPolicies = (settings: RequestLimitSettings): Record<LimitedAction, Policy[]> => ({
  // A classroom behind one NAT signs up together: 20 in 10 minutes; a script creating accounts is stopped.
  signup: [{ per: 'ip', limit: settings.SIGNUP_LIMIT_PER_IP, windowSeconds: TEN_MINUTES }],
  // Two hashes each: the current password checked (its failures counted as logins are), the new one hashed.
  passwordChange: [
    { per: 'account', limit: settings.PASSWORD_CHANGE_LIMIT_PER_ACCOUNT, windowSeconds: HOUR_SECONDS },
  ],
  passwordReset: [{ per: 'ip', limit: settings.RESET_LIMIT_PER_IP, windowSeconds: HOUR_SECONDS }],
  emailVerify: [{ per: 'ip', limit: settings.VERIFY_LIMIT_PER_IP, windowSeconds: HOUR_SECONDS }],
  // Each one a mail to an address the account names: a stolen session must not make it a mail cannon.
  verificationMail: [{ per: 'account', limit: settings.VERIFY_MAILS_PER_HOUR, windowSeconds: HOUR_SECONDS }],
  // Each one a challenge item written for anyone who asks: a classroom signs in together, a script is stopped.
  passkeyOptions: [{ per: 'ip', limit: settings.PASSKEY_OPTIONS_LIMIT_PER_IP, windowSeconds: TEN_MINUTES }],
  // Each one a flow written, and a provider's discovery asked for, by anyone: the same reasoning.
  signInStart: [{ per: 'ip', limit: settings.SIGN_IN_STARTS_LIMIT_PER_IP, windowSeconds: TEN_MINUTES }],
});

export const LIMIT_MESSAGES: Record<LimitedAction, string> = {
  signup: 'Too many signups from this address. Please wait before trying again.',
  passwordChange: 'Too many password changes. Please wait before trying again.',
  passwordReset: 'Too many password resets from this address. Please wait before trying again.',
  emailVerify: 'Too many verification attempts from this address. Please wait before trying again.',
  verificationMail: 'Too many verification mails. Please wait before asking for another.',
  passkeyOptions: 'Too many passkey sign-ins from this address. Please wait before trying again.',
  signInStart: 'Too many provider sign-ins from this address. Please wait before trying again.',
};

export function createRequestLimits(deps: { limits: RateLimits; settings: RequestLimitSettings }) {
  const policies = requestLimitPolicies(deps.settings);
  return {
    /** Takes one use of each of the action's limits, or refuses (nothing is taken then). */
    take(action: LimitedAction, who: { ip: string; account?: string }): Promise<TakeOutcome> {
      return deps.limits.take(
        policies[action].map(({ per, limit, windowSeconds }) => ({
          key: `limit#${action}#${per}#${per === 'ip' ? who.ip : (who.account ?? '')}`,
          limit,
          windowSeconds,
        })),
      );
    },
  };
}

export type RequestLimits = ReturnType<typeof createRequestLimits>;
