/**
 * `npm run account -- <command> [--stack STACK]`, against the running local stack by default, or a deployed
 * stage with --stack (tables and secrets from the stack's outputs, AWS credentials from the environment):
 *   create --username NAME [--role user|admin]   password from a hidden prompt, or stdin when not a terminal
 *   import FILE                                  users with their bcrypt hashes (JSON lines or CSV)
 *   disable --username NAME                      refuses its logins and ends every session it has
 *   set-email --username NAME --email ADDRESS [--verified]
 *                                                its address; verified at once with --verified, else
 *                                                unverified until the user asks for the link
 *   list                                         every account: username, role, created, disabled
 *   export --username NAME                       everything held about the account, as GET /account/export
 *   delete --username NAME                       deletes it as DELETE /account does (no notice is mailed)
 *   cleanup                                      finishes deletions cut off, as the daily run does
 *   backfill                                     once after upgrading: makes accounts that set their address
 *                                                before the admin search findable by it (a Scan)
 */
import { readFileSync } from 'node:fs';
import { fail, parseFlags } from '#infra/cli/args';
import { useLocalStack } from '#infra/cli/local-target';
import { readPassword } from '#infra/cli/read-password';
import { useDeployedStack } from '#infra/cli/stack-target';
import { parseImport } from '#shared/auth/account-import';
import { passwordSchema, usernameSchema } from '#shared/auth/credentials';
import { emailSchema } from '#shared/auth/email-address';
import { passwordProblem } from '#shared/auth/password-policy';
import { USERNAME_RULE } from '#shared/auth/username';
import { accountDeletionService, accountExportService } from '#shared/compose/account-lifecycle';
import { accountAdminService } from '#shared/compose/accounts';
import { parseSettings } from '#shared/platform/config';
import { DomainError } from '#shared/platform/outcomes';

const usage = `usage: npm run account -- <command> [--stack STACK] [--state FILE]
  create --username NAME [--role user|admin]
  import FILE          JSON lines {"username","hash"} or CSV username,hash
  disable --username NAME
  set-email --username NAME --email ADDRESS [--verified]
  list
  export --username NAME
  delete --username NAME
  cleanup
  backfill
  --stack  a deployed stack (e.g. Pistus-dev); default: the running local stack`;

const [command = '', ...rest] = process.argv.slice(2);
if (['help', '--help', '-h'].includes(command)) {
  console.log(usage);
  process.exit(0);
}
const { values, positionals } = parseFlags(
  rest,
  {
    username: { type: 'string' },
    role: { type: 'string', default: 'user' },
    email: { type: 'string' },
    verified: { type: 'boolean', default: false },
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
  return { config, admin: accountAdminService(config) };
}

/** The domain's answer in the operator's words: a taken name or an unknown user is a message, not a trace. */
const refusal = (error: unknown, message: string) => {
  if (error instanceof DomainError && ['username_taken', 'not_found', 'email_taken'].includes(error.code))
    return error.code === 'email_taken' ? error.message : message;
  throw error;
};

const commands: Record<string, () => Promise<void>> = {
  async create() {
    const name = username();
    if (values.role !== 'user' && values.role !== 'admin') fail(`--role: must be user or admin\n${usage}`);
    const role = values.role;
    const { config, admin } = await target();
    const password = await readPassword(`Password for ${name}: `);
    const valid = passwordSchema(config.PASSWORD_MIN_LENGTH).safeParse(password);
    if (!valid.success) fail(`password: ${valid.error.issues[0]?.message ?? 'invalid'}`);
    const problem = passwordProblem(password, name);
    if (problem) fail(`password: ${problem}`);
    try {
      const user = await admin.createAccount({ username: name, password, role });
      console.log(JSON.stringify({ created: { id: user.id, username: user.username, role: user.role } }));
    } catch (error) {
      fail(refusal(error, `username ${name} is already taken`));
    }
  },

  async import() {
    const [file] = positionals;
    if (!file) fail(`import: name the file\n${usage}`);
    const { rows, problems } = parseImport(readFileSync(file, 'utf8'));
    const { admin } = await target();
    let imported = 0;
    for (const row of rows) {
      try {
        await admin.importAccount({ username: row.username, passwordHash: row.hash });
        imported++;
      } catch (error) {
        problems.push({
          line: row.line,
          reason: refusal(error, `username ${row.username} is already taken`),
        });
      }
    }
    for (const problem of problems.sort((a, b) => a.line - b.line))
      console.error(`line ${problem.line}: ${problem.reason}`);
    console.log(JSON.stringify({ imported, skipped: problems.length }));
    if (problems.length) process.exitCode = 1;
  },

  async disable() {
    const name = username();
    const { admin } = await target();
    try {
      const { user, sessionsEnded } = await admin.disable(name);
      console.log(JSON.stringify({ disabled: user.username, sessionsEnded }));
    } catch (error) {
      fail(refusal(error, `no user named ${name}`));
    }
  },

  async 'set-email'() {
    const name = username();
    const address = emailSchema.safeParse(values.email);
    if (!address.success) fail(`--email: ${address.error.issues[0]?.message ?? 'invalid'}\n${usage}`);
    const { admin } = await target();
    try {
      const user = await admin.setEmail(name, address.data, values.verified === true);
      console.log(
        JSON.stringify({ username: user.username, email: user.email, verified: user.emailVerified }),
      );
    } catch (error) {
      fail(refusal(error, `no user named ${name}`));
    }
  },

  async export() {
    const name = username();
    const { config, admin } = await target();
    try {
      const user = await admin.find(name);
      const data = await accountExportService(config).exportOf({ username: user.username, userId: user.id });
      console.log(JSON.stringify(data, null, 2));
    } catch (error) {
      fail(refusal(error, `no user named ${name}`));
    }
  },

  async delete() {
    const name = username();
    const { config, admin } = await target();
    try {
      const user = await admin.find(name);
      const deleted = await accountDeletionService(config).delete({
        username: user.username,
        userId: user.id,
      });
      console.log(JSON.stringify({ deleted: user.username, cleanedUp: deleted.cleanedUp }));
      if (!deleted.cleanedUp)
        console.error('clean-up cut off: `cleanup` (or the next daily run) finishes it');
    } catch (error) {
      fail(refusal(error, `no user named ${name}`));
    }
  },

  async cleanup() {
    const { config } = await target();
    const summary = await accountDeletionService(config).finishPending();
    console.log(JSON.stringify(summary));
    if (summary.failed) process.exitCode = 1;
  },

  async backfill() {
    const { admin } = await target();
    console.log(JSON.stringify({ written: await admin.backfillEmailSearch() }));
  },

  async list() {
    const { admin } = await target();
    for await (const page of admin.listUsers()) {
      for (const user of page) {
        console.log(
          JSON.stringify({
            username: user.username,
            role: user.role,
            createdAt: user.createdAt,
            disabled: !!user.disabled,
            email: user.email ?? null,
            emailVerified: !!user.emailVerified,
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
