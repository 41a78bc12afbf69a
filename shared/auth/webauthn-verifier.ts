/*
 * SimpleWebAuthn's ceremonies, loaded only when a passkey route runs one (shared/auth/passkeys.ts), and
 * shipped as a file of its own beside the bundles that need it (infra/lazy-modules.ts): its CBOR, ASN.1 and
 * X.509 code is most of a passkey function's weight, and none of its cold start.
 */
export {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
