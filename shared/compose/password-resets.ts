import { createPasswordResets, type PasswordResets } from '#shared/auth/password-reset';
import { accountsService } from '#shared/compose/accounts';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { tokens, users } from '#shared/compose/recovery';
import { sessionsTableAccess } from '#shared/data/sessions';
import { accountTokensTable, sessionsTable, usersTable } from '#shared/data/tables';
import { service } from '#shared/compose/needs';

let resets: PasswordResets | undefined;

/**
 * Using a reset link: the new password is hashed (a file of its own, so the routes that only mail links
 * bundle no bcrypt); the sessions are ended by their table alone, with no signing keys. The token is read,
 * then taken (a conditional delete, single use), and given back (PutItem) when the password could not then
 * be set; the new credential version ends every session, and their rows are deleted.
 */
export const passwordResetsService = /* @__PURE__ */ service(
  {
    tables: [
      { table: accountTokensTable, actions: ['GetItem', 'DeleteItem', 'PutItem'] },
      { table: usersTable, actions: ['GetItem', 'UpdateItem'] },
      { table: sessionsTable, actions: ['Query', 'DeleteItem'], indexes: ['byUser'] },
    ],
    uses: [accountsService],
  },
  (config): PasswordResets => {
    if (!resets) {
      const sessions = sessionsTableAccess(documentClient(config), tableName(config, sessionsTable));
      resets = createPasswordResets({
        users: users(config),
        accounts: accountsService(config),
        sessions: { endAllOf: (userId) => sessions.revokeUserSessions(userId) },
        tokens: tokens(config),
      });
    }
    return resets;
  },
);
