import { createAccountMails } from '#shared/auth/account-mails';
import { createAccountTokens } from '#shared/auth/account-tokens';
import {
  createEmailChanges,
  createEmailVerification,
  createVerificationLinks,
  type EmailChanges,
  type EmailVerification,
  type VerificationLinks,
} from '#shared/auth/email-verification';
import { createResetRequests, type ResetRequests } from '#shared/auth/password-reset';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { counting, rateLimits, recipientLimitsService } from '#shared/compose/limits';
import { service, type TableGrant } from '#shared/compose/needs';
import { sesMailer } from '#shared/compose/mail';
import { passkeyListService } from '#shared/compose/passkey-list';
import { accountTokensTableAccess } from '#shared/data/account-tokens';
import { emailsTableAccess } from '#shared/data/emails';
import { suppressionsTableAccess } from '#shared/data/suppressions';
import { accountTokensTable, emailsTable, suppressionsTable, usersTable } from '#shared/data/tables';
import { usersTableAccess } from '#shared/data/users';
import { systemClock } from '#shared/platform/clock';
import { ConfigError, type Settings } from '#shared/platform/config';

/*
 * Account recovery, each flow wired from only the tables it uses: a function that merely verifies an
 * address is given no mailer and no counters, and its role no grant to them.
 */
export const users = (config: Settings) =>
  usersTableAccess(documentClient(config), tableName(config, usersTable));
const emails = (config: Settings) =>
  emailsTableAccess(documentClient(config), tableName(config, emailsTable));
export const tokens = (config: Settings) =>
  createAccountTokens({
    table: accountTokensTableAccess(documentClient(config), tableName(config, accountTokensTable)),
    clock: systemClock,
  });
/** Mailing a link: the suppression list read first, so an address SES reported bouncing is not mailed. */
const suppressionsRead: TableGrant = { table: suppressionsTable, actions: ['BatchGetItem'] };

function mails(config: Settings) {
  if (!config.APP_URL)
    throw new ConfigError(
      'Invalid configuration: APP_URL: this function mails links to the client but was not told where it is',
    );
  return createAccountMails({
    mailer: sesMailer(config),
    appUrl: config.APP_URL,
    suppressions: suppressionsTableAccess(documentClient(config), tableName(config, suppressionsTable)),
    recipients: recipientLimitsService(config),
  });
}

let links: VerificationLinks | undefined;

/**
 * Mailing an address the link that proves it (signup, and changing the address): the token (a put replaces
 * the account's older one), and the mail.
 */
export const verificationLinksService = /* @__PURE__ */ service(
  {
    tables: [suppressionsRead, { table: accountTokensTable, actions: ['PutItem'] }],
    sendsEmail: true,
    uses: [recipientLimitsService],
  },
  (config): VerificationLinks => {
    links ??= createVerificationLinks({
      tokens: tokens(config),
      mails: mails(config),
      ttlSeconds: config.EMAIL_TOKEN_TTL_SECONDS,
    });
    return links;
  },
);

let changes: EmailChanges | undefined;

/** A new address given: the user's item updated; the verified one keeps the account's mail until then. */
export const emailChangesService = /* @__PURE__ */ service(
  {
    tables: [
      // GetItem: the account as it is, its verified address kept until the new one is proved.
      { table: usersTable, actions: ['GetItem', 'UpdateItem'] },
    ],
    uses: [verificationLinksService],
  },
  (config): EmailChanges => {
    changes ??= createEmailChanges({ users: users(config), links: verificationLinksService(config) });
    return changes;
  },
);

let verification: EmailVerification | undefined;

/**
 * Using a verification link: its token read, then taken (a conditional delete); who holds the address
 * (GetItem), and the conditional claim that makes it this account's only (PutItem).
 */
export const emailVerificationService = /* @__PURE__ */ service(
  {
    tables: [
      { table: accountTokensTable, actions: ['GetItem', 'DeleteItem'] },
      { table: usersTable, actions: ['GetItem', 'UpdateItem'] },
      // DeleteItem: the verified address it replaces is released.
      { table: emailsTable, actions: ['GetItem', 'PutItem', 'DeleteItem'] },
    ],
  },
  (config): EmailVerification => {
    verification ??= createEmailVerification({
      users: users(config),
      emails: emails(config),
      tokens: tokens(config),
    });
    return verification;
  },
);

let requests: ResetRequests | undefined;

/**
 * Asking for a reset link: no password is hashed here, so no pepper is read. Reads only: who the request
 * names (by address, then the user), its passkeys (named in the mail), and whether the limits allow a mail.
 */
export const resetRequestsService = /* @__PURE__ */ service(
  {
    tables: [
      suppressionsRead,
      counting,
      { table: emailsTable, actions: ['GetItem'] },
      { table: usersTable, actions: ['GetItem'] },
      { table: accountTokensTable, actions: ['PutItem'] },
    ],
    sendsEmail: true,
    // The account's passkeys are named in the mail.
    uses: [recipientLimitsService, passkeyListService],
  },
  (config): ResetRequests => {
    requests ??= createResetRequests({
      users: users(config),
      emails: emails(config),
      tokens: tokens(config),
      mails: mails(config),
      limits: rateLimits(config),
      ttlSeconds: config.RESET_TOKEN_TTL_SECONDS,
      mailsPerHour: config.RESET_MAILS_PER_HOUR,
      requestsPerIpHour: config.FORGOT_REQUESTS_PER_IP_HOUR,
      passkeysOf: (userId) => passkeyListService(config).list(userId),
    });
    return requests;
  },
);
