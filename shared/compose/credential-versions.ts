import { type CredentialVersions, createCredentialVersions } from '#shared/auth/credential-versions';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { service } from '#shared/compose/needs';
import { once } from '#shared/compose/once';
import { sessionsService } from '#shared/compose/sessions';
import { usersTableAccess } from '#shared/data/users';
import { sessionsTable, usersTable } from '#shared/data/tables';

let versions: (() => Promise<CredentialVersions>) | undefined;

/**
 * The credential versions: the users table and the sessions. A file of its own so that "log out
 * everywhere" bundles no password hashing (bcryptjs) and reads no pepper. Ending them is one write to the
 * user (a new credential version: every session and device token goes stale in it); the rows are then
 * deleted.
 */
export const credentialVersionsService = /* @__PURE__ */ service(
  {
    tables: [
      { table: usersTable, actions: ['UpdateItem'] },
      { table: sessionsTable, actions: ['Query', 'DeleteItem'], indexes: ['byUser'] },
    ],
    uses: [sessionsService],
  },
  (config): Promise<CredentialVersions> => {
    if (!versions) {
      const users = usersTableAccess(documentClient(config), tableName(config, usersTable));
      versions = once(async () =>
        createCredentialVersions({ users, sessions: await sessionsService(config) }),
      );
    }
    return versions();
  },
);
