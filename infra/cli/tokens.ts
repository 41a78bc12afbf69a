/**
 * `npm run tokens -- <command> [--stack STACK]`, against the running local stack by default, or a deployed
 * stage with --stack (the key secret and the published-keys table from the stack's outputs):
 *   status    the keys: signing, next, previous (kids and times only, never a seed)
 *   rotate    the next step of a rotation (shared/auth/access-token-rotation.ts); refused, with how long
 *             to wait, when it is too early. Three runs make a rotation: add, promote, remove.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { fail, parseFlags } from '#infra/cli/args';
import { useLocalStack } from '#infra/cli/local-target';
import { useDeployedStack } from '#infra/cli/stack-target';
import { type AccessTokenKeyDocument, parseAccessTokenKeys, publicJwk } from '#shared/auth/access-token-keys';
import { MAX_TOKEN_SECONDS, nextRotationStep } from '#shared/auth/access-token-rotation';
import { createDocumentClient } from '#shared/data/dynamodb';
import { publishedKeysAccess } from '#shared/data/published-keys';
import { parseSettings } from '#shared/platform/config';

const usage = `usage: npm run tokens -- <status|rotate> [--stack STACK] [--state FILE]
  --stack  a deployed stack (e.g. Pistus-dev); default: the running local stack (restart it to reload keys)`;

const [command = '', ...rest] = process.argv.slice(2);
if (['help', '--help', '-h', ''].includes(command)) {
  console.log(usage);
  process.exit(command ? 0 : 1);
}
const { values } = parseFlags(rest, { stack: { type: 'string' }, state: { type: 'string' } }, usage);

/** Where the key document is read and written: Secrets Manager by ARN, or the local secrets file. */
async function keyStore() {
  if (values.stack) {
    await useDeployedStack(values.stack);
    const arn = process.env.ACCESS_TOKEN_KEYS_SECRET_ARN as string;
    const client = new SecretsManagerClient({});
    return {
      read: async () =>
        parseAccessTokenKeys(
          (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString ?? '',
        ),
      write: async (keys: AccessTokenKeyDocument) => {
        await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify(keys) }));
      },
    };
  }
  useLocalStack(values.state);
  const file = resolve(process.env.LOCAL_SECRETS_FILE ?? '.local/secrets.json');
  const secrets = () => JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  return {
    read: async () => parseAccessTokenKeys(secrets().ACCESS_TOKEN_KEYS ?? ''),
    write: async (keys: AccessTokenKeyDocument) => {
      writeFileSync(
        file,
        JSON.stringify({ ...secrets(), ACCESS_TOKEN_KEYS: JSON.stringify(keys) }, null, 2),
        {
          mode: 0o600,
        },
      );
    },
  };
}

/** Each key by its label and its kid in the key set (its thumbprint); never a seed. */
const summary = (keys: AccessTokenKeyDocument) => ({
  signing: { label: keys.kid, kid: publicJwk(keys).kid },
  ...(keys.next
    ? { next: { label: keys.next.kid, kid: publicJwk(keys.next).kid, addedAt: keys.next.addedAt } }
    : {}),
  previous: keys.previous.map((key) => ({
    label: key.kid,
    kid: publicJwk(key).kid,
    retiredAt: key.retiredAt,
  })),
});

const store = await keyStore();
const config = parseSettings(process.env);
const published = publishedKeysAccess(
  createDocumentClient(config.DYNAMODB_ENDPOINT),
  process.env.PUBLISHED_KEYS_TABLE as string,
);
const keys = await store.read();

if (command === 'status') {
  console.log(
    JSON.stringify({ ...summary(keys), published: (await published.list()).map((jwk) => jwk.kid) }),
  );
} else if (command === 'rotate') {
  // One rotation at a time: two operators' writes of the secret would otherwise lose one of them.
  if (!(await published.lock(new Date())))
    fail('another rotation is running (its lock lasts a minute); try again after it');
  try {
    const current = await store.read();
    // The longest a token may live, whatever this shell's settings say: the stage's could be longer.
    const step = nextRotationStep(current, new Date(), MAX_TOKEN_SECONDS);
    if (step.step === 'wait') {
      await published.unlock();
      fail(`not yet: ${step.reason}; run it again in ${step.seconds} s`);
    }
    // Published before the document names it; taken out of the key set only after the document drops it.
    if (step.step === 'added' && step.document.next) await published.add([publicJwk(step.document.next)]);
    await store.write(step.document);
    if (step.step === 'removed') await published.remove(step.kids);
    console.log(JSON.stringify({ step: step.step, ...summary(step.document) }));
  } finally {
    await published.unlock();
  }
} else fail(usage);
