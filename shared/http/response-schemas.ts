import * as z from 'zod/mini';
import type { AdminUserView } from '#shared/auth/admin-users';
import type { PublicUser } from '#shared/auth/accounts';
import type { PasskeyView } from '#shared/auth/passkey-list';
import type { SessionView } from '#shared/auth/sessions';
import type { PublicRegistration } from '#shared/registrations/registrations';

/**
 * What the API answers, as schemas: strict objects, so a field the contract does not name (a hash, an
 * owner id) fails the response validation of the tests. Each is checked against the type the handlers
 * build, so the two cannot drift apart.
 */
const isoDateTime = () => z.iso.datetime();

export const errorBody = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    fields: z.optional(z.record(z.string(), z.string())),
  }),
});

export const user = z.strictObject({
  id: z.string(),
  username: z.string(),
  role: z.enum(['user', 'admin']),
  createdAt: isoDateTime(),
  email: z.nullable(z.string()),
  emailVerified: z.boolean(),
  mfaEnabled: z.boolean(),
});

/** A login whose password was right, owing its second factor (`POST /login/mfa`). */
export const mfaChallenge = z.strictObject({
  mfaRequired: z.literal(true),
  methods: z.array(z.enum(['totp', 'recovery_code'])),
});

/** A TOTP secret offered: base32 for typing, the otpauth URI for a QR code. */
export const totpOffer = z.strictObject({ secret: z.string(), otpauthUri: z.string() });

/** Recovery codes, shown this once. */
export const recoveryCodes = z.strictObject({ recoveryCodes: z.array(z.string()) });

/** WebAuthn creation options (PublicKeyCredentialCreationOptionsJSON), for the browser's `navigator.credentials.create`. */
export const creationOptions = z.looseObject({
  challenge: z.string(),
  rp: z.looseObject({ id: z.optional(z.string()), name: z.string() }),
  user: z.looseObject({ id: z.string(), name: z.string(), displayName: z.string() }),
  pubKeyCredParams: z.array(z.looseObject({ type: z.string(), alg: z.number() })),
});

/** WebAuthn request options (PublicKeyCredentialRequestOptionsJSON), for `navigator.credentials.get`. */
export const requestOptions = z.looseObject({ challenge: z.string(), rpId: z.optional(z.string()) });

export const passkey = z.strictObject({
  id: z.string(),
  name: z.string(),
  createdAt: isoDateTime(),
  lastUsedAt: z.optional(isoDateTime()),
});

export const passkeyList = z.strictObject({ items: z.array(passkey) });

/** An accepted request whose result arrives by mail. */
export const accepted = z.strictObject({ message: z.string() });

export const greeting = z.strictObject({ message: z.string() });

export const registration = z.strictObject({
  id: z.string(),
  activity: z.string(),
  email: z.string(),
  studentName: z.optional(z.string()),
  registeredAt: isoDateTime(),
  paymentDeadline: isoDateTime(),
  paid: z.boolean(),
  paidAt: z.optional(isoDateTime()),
  /** Its owner's account was deleted: kept for the organiser, without the person's name and address. */
  personalDataRemovedAt: z.optional(isoDateTime()),
});

export const registrationPage = z.strictObject({
  items: z.array(registration),
  nextCursor: z.optional(z.string()),
});

export const sessionList = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.string(),
      current: z.boolean(),
      createdAt: isoDateTime(),
      lastActiveAt: isoDateTime(),
      device: z.string(),
      ip: z.string(),
    }),
  ),
});

/** True when A and B are the same type; a compile error below otherwise. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agree = <T extends true>(_: T) => undefined;
agree<Same<z.infer<typeof user>, PublicUser>>(true);
agree<Same<z.infer<typeof passkey>, PasskeyView>>(true);
agree<Same<z.infer<typeof registration>, PublicRegistration>>(true);
agree<Same<z.infer<typeof sessionList>['items'][number], SessionView>>(true);

/** `GET /auth/providers`: the identity providers a user may sign in with. */
export const providerList = z.strictObject({
  items: z.array(z.strictObject({ id: z.string(), name: z.string() })),
});

/** `GET /identities`: the account's identities at providers, never the provider's subject or a token. */
export const identityList = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.string(),
      provider: z.string(),
      email: z.nullable(z.string()),
      linkedAt: z.string(),
      lastUsedAt: z.nullable(z.string()),
    }),
  ),
});

/** An account as the admin API shows it (shared/auth/admin-users.ts). */
export const adminUser = z.strictObject({
  id: z.string(),
  username: z.string(),
  email: z.nullable(z.string()),
  emailVerified: z.boolean(),
  role: z.enum(['user', 'admin']),
  disabled: z.boolean(),
  mfaEnabled: z.boolean(),
  createdAt: isoDateTime(),
  lastLoginAt: z.nullable(isoDateTime()),
});

export const adminUserPage = z.strictObject({
  items: z.array(adminUser),
  nextCursor: z.optional(z.string()),
});

export const adminUserDetail = z.strictObject({
  ...adminUser.shape,
  counts: z.strictObject({
    sessions: z.number(),
    passkeys: z.number(),
    identities: z.number(),
    registrations: z.number(),
  }),
});

/** `GET /account/export`: everything held about the account (shared/auth/account-export.ts). */
export const accountExport = z.strictObject({
  exportedAt: isoDateTime(),
  account: z.strictObject({
    ...user.shape,
    hasPassword: z.boolean(),
    lastLoginAt: z.nullable(isoDateTime()),
  }),
  sessions: sessionList.shape.items,
  passkeys: passkeyList.shape.items,
  identities: identityList.shape.items,
  registrations: z.array(
    z.strictObject({
      ...registration.shape,
      ownerId: z.string(),
      reminderSentAt: z.optional(isoDateTime()),
    }),
  ),
  auditEvents: z.array(
    z.strictObject({ type: z.string(), at: isoDateTime(), about: z.optional(z.string()) }),
  ),
});
agree<Same<z.infer<typeof adminUser>, AdminUserView>>(true);

/** `POST /token`: an access token for another service (RFC 6749 §5.1's names). */
export const accessToken = z.strictObject({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number(),
});

/** `GET /.well-known/jwks.json` (RFC 7517): public keys only. */
export const jwks = z.strictObject({
  keys: z.array(
    z.strictObject({
      kty: z.literal('EC'),
      crv: z.literal('P-256'),
      x: z.string(),
      y: z.string(),
      kid: z.string(),
      alg: z.literal('ES256'),
      use: z.literal('sig'),
    }),
  ),
});

/** `GET /.well-known/openid-configuration`: where the keys are, and what signs. */
export const discovery = z.strictObject({
  issuer: z.string(),
  jwks_uri: z.string(),
  id_token_signing_alg_values_supported: z.array(z.string()),
  subject_types_supported: z.array(z.string()),
  claims_supported: z.array(z.string()),
});
