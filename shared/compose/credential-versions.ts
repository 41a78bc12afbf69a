import { type CredentialVersions, createCredentialVersions } from '#shared/auth/credential-versions';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { once } from '#shared/compose/once';
import { sessionsService } from '#shared/compose/sessions';
import { usersTableAccess } from '#shared/data/users';
import { usersTable } from '#shared/data/tables';
import type { Settings } from '#shared/platform/config';

let versions: (() => Promise<CredentialVersions>) | undefined;

/**
 * The credential versions: the users table and the sessions. A file of its own so that "log out
 * everywhere" bundles no password hashing (bcryptjs) and reads no pepper.
 */
export function credentialVersionsService(config: Settings): Promise<CredentialVersions> {
  if (!versions) {
    const users = usersTableAccess(documentClient(config), tableName(config, usersTable));
    versions = once(async () => createCredentialVersions({ users, sessions: await sessionsService(config) }));
  }
  return versions();
}
