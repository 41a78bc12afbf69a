import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics } from '#shared/platform/logger';

/**
 * The events operators count and auditors read: each is one structured log line (who, from where, which
 * request) and one metric. Only identifiers go in; never a password, a hash, a token or an email address.
 */
export const EVENTS = {
  signup: 'signups',
  loginSucceeded: 'loginsSucceeded',
  loginFailed: 'loginsFailed',
  logout: 'logouts',
  passwordChanged: 'passwordsChanged',
  sessionsRevoked: 'sessionsRevoked',
  sessionEnded: 'sessionsEnded',
  lockout: 'lockouts',
  loginThrottled: 'loginsThrottled',
  requestsLimited: 'requestsLimited',
  recipientLimited: 'recipientsLimited',
  mfaRequired: 'mfaChallenges',
  reauthenticated: 'reauthentications',
  reauthenticationFailed: 'reauthenticationsFailed',
  mfaSucceeded: 'mfaSucceeded',
  mfaFailed: 'mfaFailed',
  mfaEnabled: 'mfaEnabled',
  mfaDisabled: 'mfaDisabled',
  recoveryCodesRenewed: 'recoveryCodesRenewed',
  passkeyAdded: 'passkeysAdded',
  passkeyRemoved: 'passkeysRemoved',
  passkeyLoginFailed: 'passkeyLoginsFailed',
  identityLinked: 'identitiesLinked',
  identityUnlinked: 'identitiesUnlinked',
  identitySignInFailed: 'identitySignInsFailed',
  emailChanged: 'emailsChanged',
  emailVerified: 'emailsVerified',
  verificationMailed: 'verificationMailsSent',
  passwordResetRequested: 'passwordResetsRequested',
  passwordResetMailed: 'passwordResetMailsSent',
  passwordResetLimited: 'passwordResetsLimited',
  passwordReset: 'passwordResets',
  registrationCreated: 'registrationsCreated',
  registrationDeleted: 'registrationsDeleted',
  paymentRecorded: 'paymentsRecorded',
  reminderSent: 'remindersSent',
  remindersRefused: 'remindersRefused',
  remindersSuppressed: 'remindersSuppressed',
  remindersUnrecorded: 'remindersUnrecorded',
  remindersQueued: 'remindersQueued',
  addressSuppressed: 'addressesSuppressed',
  deadlineFailures: 'deadlineFailures',
  expiredDeleted: 'expiredDeleted',
  accountExported: 'accountsExported',
  accountDeleted: 'accountsDeleted',
  accountCleanupDeferred: 'accountCleanupsDeferred',
  accountCleanupFinished: 'accountCleanupsFinished',
  adminDisabledUser: 'adminDisables',
  adminEnabledUser: 'adminEnables',
  adminEndedSessions: 'adminSessionEnds',
  adminSetRole: 'adminRoleChanges',
  adminDeletedUser: 'adminDeletions',
  accessTokenIssued: 'accessTokensIssued',
} as const;

export type EventName = keyof typeof EVENTS;

export interface EventFields {
  userId?: string;
  username?: string;
  registrationId?: string;
  [key: string]: string | number | boolean | undefined;
}

export function recordEvent(name: EventName, fields: EventFields = {}, count = 1): void {
  if (count === 0) return;
  logger.info(name, { event: name, ...fields, ...(count === 1 ? {} : { count }) });
  metrics.addMetric(EVENTS[name], MetricUnit.Count, count);
}
