import { RemovalPolicy, SecretValue, type Stack, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Secret as SecretName } from '#infra/routes';

/** The generated secrets: the JWT signing keys, the password pepper, the MFA key and the mail key. */
export function createSecrets(stack: Stack, removalPolicy: RemovalPolicy): Record<SecretName, Secret> {
  const secrets: Record<SecretName, Secret> = {
    'signing-keys': new Secret(stack, 'SigningKeys', {
      description: 'Pistus JWT signing keys: {"kid","secret","previous":[...]}; the top-level key signs.',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ kid: 'k1' }),
        generateStringKey: 'secret',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy,
    }),
    'password-pepper': new Secret(stack, 'PasswordPepper', {
      description:
        'Pistus password pepper (HMAC key of the bcrypt pre-hash). Changing it invalidates every password.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    }),
    'mfa-key': new Secret(stack, 'MfaKey', {
      description:
        'Pistus MFA key (AES-256-GCM, base64url) that encrypts TOTP secrets. Changing it turns every TOTP off.',
      generateSecretString: { passwordLength: 43, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    }),
    'mail-key': new Secret(stack, 'MailKey', {
      description:
        'Pistus mail key (HMAC) that names each recipient address in the mail counters without storing it.',
      generateSecretString: { passwordLength: 43, excludePunctuation: true },
      removalPolicy,
    }),
    // The operator's to fill (docs/deploy.md, "Identity providers"): the stack cannot make a provider's secret.
    'identity-secrets': new Secret(stack, 'IdentityProviderSecrets', {
      description:
        'Pistus identity providers\' client secrets, by provider id: {"google":"…","apple":{"teamId","keyId","privateKey"}}.',
      secretStringValue: SecretValue.unsafePlainText('{}'),
      removalPolicy: RemovalPolicy.RETAIN,
    }),
    // Only its seed is secret: the stack generates it, and only the token function reads it.
    'access-token-keys': new Secret(stack, 'AccessTokenKeys', {
      description:
        'Pistus access-token signing keys (ES256 from each seed): {"kid","seed","next"?,"previous":[...]}; the top-level key signs.',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ kid: 'a1' }),
        generateStringKey: 'seed',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy,
    }),
  };
  Validations.of(secrets['access-token-keys']).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'Rotation is in three steps an operator runs (`npm run tokens -- rotate`): a new key is published before it ' +
      'signs and the old one stays published until its tokens have expired. A scheduled rotation function that ' +
      'replaced the key at once would break every verifier holding a cached key set.',
  });
  Validations.of(secrets['mail-key']).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'The key only names the counters of the last hour: replacing it by hand restarts them, nothing else; a ' +
      'scheduled rotation adds nothing a counter window does not already bound.',
  });
  Validations.of(secrets['signing-keys']).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'Rotation is by key id: an operator adds a new kid and keeps the old one under "previous" until sessions ' +
      'signed with it have expired (README, "Rotating the signing key"). A scheduled rotation function would drop ' +
      'the previous key and log everyone out.',
  });
  Validations.of(secrets['password-pepper']).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason: 'The pepper keys every stored password hash: rotating it would make every password unverifiable.',
  });
  Validations.of(secrets['mfa-key']).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'The key encrypts every stored TOTP secret: rotating it would make every second factor unreadable.',
  });
  Validations.of(secrets['identity-secrets']).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      "Each value is issued by a provider's console (Google, GitHub, Apple): a rotation function cannot make a new " +
      'one; the operator replaces it there and here.',
  });
  return secrets;
}
