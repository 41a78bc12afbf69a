/**
 * `npm run account -- create --username NAME [--role user|admin] [--stack Pistus-dev]`
 * Creates an account, reading its password from a hidden prompt (or standard input when it is not a
 * terminal). It acts on the running local stack by default, or on a deployed stage with --stack.
 */
import { fail, parseFlags } from '#infra/cli/args';
import { useLocalStack } from '#infra/cli/local-target';
import { readPassword } from '#infra/cli/read-password';
import { useDeployedStack } from '#infra/cli/stack-target';
import { createAccounts } from '#shared/accounts';
import { systemClock } from '#shared/clock';
import { parseSettings } from '#shared/config';
import { passwordSchema, usernameSchema } from '#shared/credentials';
import { createDocumentClient } from '#shared/data/dynamodb';
import { UsernameTakenError, usersTableAccess } from '#shared/data/users';
import { createPasswordHasher } from '#shared/passwords';
import { loadPepper } from '#shared/secrets';

const usage = `usage: npm run account -- create --username NAME [--role user|admin] [--stack STACK] [--state FILE]
  --stack  a deployed stack (e.g. Pistus-dev): tables and secrets from its outputs; default: the local stack`;

const [command, ...rest] = process.argv.slice(2);
const { values } = parseFlags(
  rest,
  {
    username: { type: 'string' },
    role: { type: 'string', default: 'user' },
    stack: { type: 'string' },
    state: { type: 'string' },
  },
  usage,
);
if (command !== 'create') fail(usage);
const username = usernameSchema.safeParse(values.username);
if (!username.success) fail(`--username: must be 3-32 characters of A-Z a-z 0-9 . _ -\n${usage}`);
if (values.role !== 'user' && values.role !== 'admin') fail(`--role: must be user or admin\n${usage}`);
const role = values.role;

try {
  if (values.stack) await useDeployedStack(values.stack);
  else useLocalStack(values.state);
  const config = parseSettings(process.env);
  const password = await readPassword(`Password for ${username.data}: `);
  const valid = passwordSchema(config.PASSWORD_MIN_LENGTH).safeParse(password);
  if (!valid.success) fail(`password: ${valid.error.issues[0]?.message ?? 'invalid'}`);

  const accounts = createAccounts({
    users: usersTableAccess(createDocumentClient(config.DYNAMODB_ENDPOINT), config.USERS_TABLE),
    passwords: async () =>
      createPasswordHasher({ pepper: await loadPepper(config), cost: config.BCRYPT_COST }),
    clock: systemClock,
  });
  const user = await accounts.createAccount({ username: username.data, password, role });
  console.log(JSON.stringify({ created: { id: user.id, username: user.username, role: user.role } }));
} catch (error) {
  if (error instanceof UsernameTakenError) fail(`username ${username.data} is already taken`);
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
