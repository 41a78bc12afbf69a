import { type CredentialVersions, createCredentialVersions } from '#shared/auth/credential-versions';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { usersTableAccess } from '#shared/data/users';
import { usersTable } from '#shared/data/tables';
import type { Settings } from '#shared/platform/config';

/**
 * The credential versions alone: the users table and nothing else. A file of its own so that "log out
 * everywhere" bundles no password hashing (bcryptjs) and reads no pepper.
 */
export function credentialVersionsService(config: Settings): CredentialVersions {
  return createCredentialVersions({
    users: usersTableAccess(documentClient(config), tableName(config, usersTable)),
  });
}
