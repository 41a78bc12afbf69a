import { readFileSync } from 'node:fs';
import type { SNSEvent } from 'aws-lambda';

export type FeedbackFixture = 'permanent-bounce' | 'transient-bounce' | 'complaint';

/** A recorded SNS event carrying an SES report (test/fixtures/ses-feedback/). */
export const feedbackEvent = (name: FeedbackFixture): SNSEvent =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/ses-feedback/${name}.sns.json`, import.meta.url), 'utf8'),
  ) as SNSEvent;

/** The SES report inside it, as the SNS message's text. */
export const feedbackMessage = (name: FeedbackFixture): string =>
  feedbackEvent(name).Records[0]?.Sns.Message ?? '';
