import { createPasswordResets, type PasswordResets } from '#shared/auth/password-reset';
import { accountsService } from '#shared/compose/accounts';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { tokens, users } from '#shared/compose/recovery';
import { sessionsTableAccess } from '#shared/data/sessions';
import { sessionsTable } from '#shared/data/tables';
import type { Settings } from '#shared/platform/config';

let resets: PasswordResets | undefined;

/**
 * Using a reset link: the new password is hashed (a file of its own, so the routes that only mail links
 * bundle no bcrypt); the sessions are ended by their table alone, with no signing keys.
 */
export function passwordResetsService(config: Settings): PasswordResets {
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
}
