import type { Stack } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';

export interface MailFeedback {
  /** Named in every send, so SES reports what becomes of the mail. */
  configurationSet: ConfigurationSet;
  /** Subscribes a function to the bounce and complaint reports. */
  subscribe(fn: IFunction): void;
}

/**
 * What SES learns about the mail it sent: a configuration set whose event destination publishes permanent
 * and transient bounces and complaints to an encrypted SNS topic, for the function that keeps the
 * suppression list. Without it a bouncing address is mailed every day, and a high bounce or complaint rate
 * gets the SES account put under review.
 */
export function createMailFeedback(stack: Stack, key: IKey): MailFeedback {
  // The stage's topic key (the alarm topic's too: one key, not one more resource per topic). SES publishes
  // to the encrypted topic: it needs the key for that, and nothing else.
  key.grant(new ServicePrincipal('ses.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
  const topic = new Topic(stack, 'MailFeedbackTopic', { masterKey: key, enforceSSL: true });
  const configurationSet = new ConfigurationSet(stack, 'MailConfigurationSet', {});
  configurationSet.addEventDestination('BouncesAndComplaints', {
    destination: EventDestination.snsTopic(topic),
    events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
  });
  return {
    configurationSet,
    subscribe: (fn) => topic.addSubscription(new LambdaSubscription(fn)),
  };
}
