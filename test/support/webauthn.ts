import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

/**
 * A software authenticator for the HTTP tests: what a platform authenticator does for
 * `navigator.credentials.create` and `.get` (WebAuthn Level 3, §6), producing the JSON the browser library
 * sends. A P-256 key per credential, attestation "none", user presence and verification flags as asked,
 * and a signature counter it keeps. The e2e suite uses Chromium's own virtual authenticator instead.
 */
type Cbor = number | string | Uint8Array | Cbor[] | Map<Cbor, Cbor>;

function cbor(value: Cbor): Buffer {
  const head = (major: number, length: number) => {
    if (length < 24) return Buffer.from([(major << 5) | length]);
    if (length < 256) return Buffer.from([(major << 5) | 24, length]);
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(length, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string')
    return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64 = (data: Uint8Array | string) => Buffer.from(data).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

interface Credential {
  id: Buffer;
  privateKey: KeyObject;
  userHandle: string;
  counter: number;
}

export function softwareAuthenticator(options: { origin: string; verifiesUser?: boolean }) {
  const credentials: Credential[] = [];
  const flags = (extra: number) => 0x01 | (options.verifiesUser === false ? 0 : 0x04) | extra;
  return {
    credentials,
    /** Answers creation options as `navigator.credentials.create` would. */
    create(creation: { challenge: string; rp: { id?: string }; user: { id: string } }) {
      const rpId = creation.rp.id ?? new URL(options.origin).hostname;
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const cose = cbor(
        new Map<Cbor, Cbor>([
          [1, 2],
          [3, -7],
          [-1, 1],
          [-2, Buffer.from(jwk.x ?? '', 'base64url')],
          [-3, Buffer.from(jwk.y ?? '', 'base64url')],
        ]),
      );
      const id = randomBytes(32);
      const length = Buffer.alloc(2);
      length.writeUInt16BE(id.length);
      const authData = Buffer.concat([
        sha256(rpId),
        Buffer.from([flags(0x40)]),
        Buffer.alloc(4),
        Buffer.alloc(16),
        length,
        id,
        cose,
      ]);
      credentials.push({ id, privateKey, userHandle: creation.user.id, counter: 0 });
      const clientData = JSON.stringify({
        type: 'webauthn.create',
        challenge: creation.challenge,
        origin: options.origin,
        crossOrigin: false,
      });
      return {
        id: b64(id),
        rawId: b64(id),
        type: 'public-key',
        response: {
          clientDataJSON: b64(clientData),
          attestationObject: b64(
            cbor(
              new Map<Cbor, Cbor>([
                ['fmt', 'none'],
                ['attStmt', new Map()],
                ['authData', authData],
              ]),
            ),
          ),
          transports: ['internal'],
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
    /** Answers request options with a credential (the first, by default), as `navigator.credentials.get` would. */
    get(request: { challenge: string; rpId?: string }, credential = credentials[0]) {
      if (!credential) throw new Error('no credential to sign with');
      credential.counter += 1;
      const counter = Buffer.alloc(4);
      counter.writeUInt32BE(credential.counter);
      const rpId = request.rpId ?? new URL(options.origin).hostname;
      const authData = Buffer.concat([sha256(rpId), Buffer.from([flags(0)]), counter]);
      const clientData = JSON.stringify({
        type: 'webauthn.get',
        challenge: request.challenge,
        origin: options.origin,
        crossOrigin: false,
      });
      const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), credential.privateKey);
      return {
        id: b64(credential.id),
        rawId: b64(credential.id),
        type: 'public-key',
        response: {
          clientDataJSON: b64(clientData),
          authenticatorData: b64(authData),
          signature: b64(signature),
          userHandle: credential.userHandle,
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
  };
}
