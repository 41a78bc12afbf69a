import * as z from 'zod/mini';
import type { Suppression, SuppressionsTable } from '#shared/data/suppressions';

/**
 * What SES reports about mail it could not deliver, as its configuration set publishes it to SNS
 * (`eventType`; an identity's own notifications say `notificationType`). Only what suppression needs is
 * read; anything else in the report is ignored.
 * https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
 */
const recipients = z.array(z.object({ emailAddress: z.string() }));
const reportSchema = z.union([
  z.object({
    kind: z.literal('Bounce'),
    bounce: z.object({
      bounceType: z.string(),
      bouncedRecipients: recipients,
      timestamp: z.string(),
      feedbackId: z.string(),
    }),
  }),
  z.object({
    kind: z.literal('Complaint'),
    complaint: z.object({
      complainedRecipients: recipients,
      timestamp: z.string(),
      feedbackId: z.string(),
    }),
  }),
]);

/**
 * The addresses a report says must not be mailed again: every recipient of a permanent bounce (the address
 * does not exist) and of a complaint (the recipient marked it as spam). A transient bounce (a full mailbox)
 * suppresses nothing: the next run tries again. Not a report at all: null.
 */
export function suppressionsIn(message: string): Suppression[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return null;
  }
  const raw = parsed as { eventType?: unknown; notificationType?: unknown };
  const report = reportSchema.safeParse({
    ...(parsed as object),
    kind: raw.eventType ?? raw.notificationType,
  });
  if (!report.success) return null;
  if (report.data.kind === 'Bounce') {
    const { bounce } = report.data;
    if (bounce.bounceType !== 'Permanent') return [];
    return bounce.bouncedRecipients.map(({ emailAddress }) => ({
      address: emailAddress,
      reason: 'bounce',
      reportedAt: bounce.timestamp,
      feedbackId: bounce.feedbackId,
    }));
  }
  const { complaint } = report.data;
  return complaint.complainedRecipients.map(({ emailAddress }) => ({
    address: emailAddress,
    reason: 'complaint',
    reportedAt: complaint.timestamp,
    feedbackId: complaint.feedbackId,
  }));
}

/** Records what the reports say: each address suppressed once, whatever repeats SNS delivers. */
export function createMailFeedback(deps: { suppressions: Pick<SuppressionsTable, 'suppress'> }) {
  return {
    /** The suppressions recorded from one message, or null when it is not a report SES sends. */
    async record(message: string): Promise<Suppression[] | null> {
      const found = suppressionsIn(message);
      if (found) await Promise.all(found.map((suppression) => deps.suppressions.suppress(suppression)));
      return found;
    },
  };
}

export type MailFeedback = ReturnType<typeof createMailFeedback>;
