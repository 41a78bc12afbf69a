import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * X-Ray (ASVS-independent; what on-call reads first): Lambda's active tracing records each invocation, and
 * the Tracer adds a subsegment for every AWS SDK call, so a slow request shows which DynamoDB, SES or
 * Secrets Manager call it waited on. Off outside Lambda, or with POWERTOOLS_TRACE_ENABLED=false.
 */
export const tracer = new Tracer({ serviceName: 'pistus' });

/** The client, its calls recorded as X-Ray subsegments of the invocation. */
export const traced = <T>(client: T): T => tracer.captureAWSv3Client(client);
