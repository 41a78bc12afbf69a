/**
 * `npm run account -- <command> [--stack STACK]`, against the running local stack by default, or a deployed
 * stage with --stack (tables and secrets from the stack's outputs, AWS credentials from the environment):
 *   create --username NAME [--role user|admin]   password from a hidden prompt, or stdin when not a terminal
 *   import FILE                                  users with their bcrypt hashes (JSON lines or CSV)
 *   disable --username NAME                      refuses its logins and ends every session it has
 *   list                                         every account: username, role, created, disabled
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fail, parseFlags } from '#infra/cli/args';
import { useLocalStack } from '#infra/cli/local-target';
import { readPassword } from '#infra/cli/read-password';
import { useDeployedStack } from '#infra/cli/stack-target';
import { parseImport } from '#shared/account-import';
import { createAccounts } from '#shared/accounts';
import { systemClock } from '#shared/clock';
import { parseSettings } from '#shared/config';
import { passwordSchema, usernameSchema } from '#shared/credentials';
import { createDocumentClient } from '#shared/data/dynamodb';
import { sessionsTableAccess } from '#shared/data/sessions';
import { UsernameTakenError, usersTableAccess } from '#shared/data/users';
import { passwordProblem } from '#shared/password-policy';
import { createPasswordHasher } from '#shared/passwords';
import { loadPepper } from '#shared/secrets';
import { USERNAME_RULE } from '#shared/username';
import { tableName } from '#shared/compose/dynamodb';
import { sessionsTable, usersTable } from '#shared/tables';

const usage = `usage: npm run account -- <command> [--stack STACK] [--state FILE]
  create --username NAME [--role user|admin]
  import FILE          JSON lines {"username","hash"} or CSV username,hash
  disable --username NAME
  list
  --stack  a deployed stack (e.g. Pistus-dev); default: the running local stack`;

const [command, ...rest] = process.argv.slice(2);
const { values, positionals } = parseFlags(
  rest,
  {
    username: { type: 'string' },
    role: { type: 'string', default: 'user' },
    stack: { type: 'string' },
    state: { type: 'string' },
  },
  usage,
);

const username = () => {
  const parsed = usernameSchema.safeParse(values.username);
  if (!parsed.success) fail(`--username: ${USERNAME_RULE}\n${usage}`);
  return parsed.data;
};

async function target() {
  if (values.stack) await useDeployedStack(values.stack);
  else useLocalStack(values.state);
  const config = parseSettings(process.env);
  const db = createDocumentClient(config.DYNAMODB_ENDPOINT);
  return {
    config,
    users: usersTableAccess(db, tableName(config, usersTable)),
    sessions: sessionsTableAccess(db, tableName(config, sessionsTable)),
  };
}

const commands: Record<string, () => Promise<void>> = {
  async create() {
    const name = username();
    if (values.role !== 'user' && values.role !== 'admin') fail(`--role: must be user or admin\n${usage}`);
    const role = values.role;
    const { config, users } = await target();
    const password = await readPassword(`Password for ${name}: `);
    const valid = passwordSchema(config.PASSWORD_MIN_LENGTH).safeParse(password);
    if (!valid.success) fail(`password: ${valid.error.issues[0]?.message ?? 'invalid'}`);
    const problem = passwordProblem(password, name);
    if (problem) fail(`password: ${problem}`);
    const accounts = createAccounts({
      users,
      passwords: async () =>
        createPasswordHasher({ pepper: await loadPepper(config), cost: config.BCRYPT_COST }),
      clock: systemClock,
    });
    try {
      const user = await accounts.createAccount({ username: name, password, role });
      console.log(JSON.stringify({ created: { id: user.id, username: user.username, role: user.role } }));
    } catch (error) {
      if (error instanceof UsernameTakenError) fail(`username ${name} is already taken`);
      throw error;
    }
  },

  async import() {
    const [file] = positionals;
    if (!file) fail(`import: name the file\n${usage}`);
    const { rows, problems } = parseImport(readFileSync(file, 'utf8'));
    const { users } = await target();
    let imported = 0;
    for (const row of rows) {
      try {
        // Kept as it is: it verifies as the old system's did, and is upgraded at the user's next login.
        await users.createUser({
          id: randomUUID(),
          username: row.username,
          passwordHash: row.hash,
          role: 'user',
          createdAt: systemClock().toISOString(),
        });
        imported++;
      } catch (error) {
        if (!(error instanceof UsernameTakenError)) throw error;
        problems.push({ line: row.line, reason: `username ${row.username} is already taken` });
      }
    }
    for (const problem of problems.sort((a, b) => a.line - b.line))
      console.error(`line ${problem.line}: ${problem.reason}`);
    console.log(JSON.stringify({ imported, skipped: problems.length }));
    if (problems.length) process.exitCode = 1;
  },

  async disable() {
    const name = username();
    const { users, sessions } = await target();
    const user = await users.disableUser(name);
    if (!user) fail(`no user named ${name}`);
    const ended = await sessions.revokeUserSessions(user.id);
    console.log(JSON.stringify({ disabled: user.username, sessionsEnded: ended }));
  },

  async list() {
    const { users } = await target();
    for await (const page of users.listUsers()) {
      for (const user of page) {
        console.log(
          JSON.stringify({
            username: user.username,
            role: user.role,
            createdAt: user.createdAt,
            disabled: !!user.disabled,
          }),
        );
      }
    }
  },
};

const run = command ? commands[command] : undefined;
if (!run) fail(usage);
try {
  await run();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
