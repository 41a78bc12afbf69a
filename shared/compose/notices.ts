import { createSecurityNotices, type SecurityNotices } from '#shared/auth/security-notices';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { recipientLimitsService } from '#shared/compose/limits';
import { service } from '#shared/compose/needs';
import { sesMailer } from '#shared/compose/mail';
import { passkeysTableAccess } from '#shared/data/passkeys';
import { suppressionsTableAccess } from '#shared/data/suppressions';
import { passkeysTable, suppressionsTable } from '#shared/data/tables';
import { ConfigError } from '#shared/platform/config';

let notices: SecurityNotices | undefined;

/**
 * Security notices by mail: the mailer, the suppression list, the account's passkeys (listed in each), and
 * the client's account page to link to.
 */
export const securityNoticesService = /* @__PURE__ */ service(
  {
    tables: [
      { table: suppressionsTable, actions: ['BatchGetItem'] },
      { table: passkeysTable, actions: ['Query'], indexes: ['byUser'] },
    ],
    sendsEmail: true,
    uses: [recipientLimitsService],
  },
  (config): SecurityNotices => {
    if (!config.APP_URL)
      throw new ConfigError(
        'Invalid configuration: APP_URL: this function mails security notices that link to the client but was not told where it is',
      );
    notices ??= createSecurityNotices({
      mailer: sesMailer(config),
      appUrl: config.APP_URL,
      suppressions: suppressionsTableAccess(documentClient(config), tableName(config, suppressionsTable)),
      recipients: recipientLimitsService(config),
      passkeys: passkeysTableAccess(documentClient(config), tableName(config, passkeysTable)),
    });
    return notices;
  },
);
