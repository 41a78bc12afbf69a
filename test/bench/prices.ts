/**
 * AWS list prices in us-east-1 that turn a request's measured use into dollars, with the date they were
 * taken down. They are public list prices without free tiers, savings plans or volume discounts; the
 * sources are the services' pricing pages (aws.amazon.com/<service>/pricing). This machine cannot reach
 * them: the figures are those in effect since the last changes named below, as written down on this date.
 */
export const PRICES = {
  asOf: '2026-12-03',
  region: 'us-east-1',
  /** API Gateway HTTP API, per million requests (first 300 million a month). */
  httpApiPerMillion: 1.0,
  /** Lambda on arm64 (Graviton): per million requests, and per GB-second (first 7.5 billion a month). */
  lambdaRequestsPerMillion: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  /** DynamoDB on-demand, Standard table class, per million request units (halved on 2024-11-01). */
  dynamodbReadUnitsPerMillion: 0.125,
  dynamodbWriteUnitsPerMillion: 0.625,
  /** SES outbound mail, per thousand messages (signup with an address, verification, reset, reminders). */
  sesPerThousandMails: 0.1,
  /**
   * Amazon Cognito user pools, per monthly active user, since the tiers of 2024-11-22: Essentials (the
   * default: passkeys, MFA, managed login) after 10,000 free MAU per account, and Plus (threat protection,
   * compromised-credential checks, the closest to this product's brute-force policy), with no free MAU.
   */
  cognitoEssentialsPerMau: 0.015,
  cognitoEssentialsFreeMau: 10_000,
  cognitoPlusPerMau: 0.02,
} as const;

/** What one request uses, as measured: its DynamoDB units, its Lambda duration and memory, its mails. */
export interface RequestUse {
  readUnits: number;
  writeUnits: number;
  /** Lambda bills the handler's duration rounded up to the millisecond. */
  billedMs: number;
  memoryMb: number;
  mails: number;
}

export interface RequestCost {
  api: number;
  lambda: number;
  dynamodb: number;
  ses: number;
  total: number;
}

/** Dollars per million requests of this use, by service. */
export function dollarsPerMillion(use: RequestUse): RequestCost {
  const gbSeconds = (use.billedMs / 1000) * (use.memoryMb / 1024);
  const api = PRICES.httpApiPerMillion;
  const lambda = PRICES.lambdaRequestsPerMillion + gbSeconds * 1e6 * PRICES.lambdaArmPerGbSecond;
  const dynamodb =
    use.readUnits * PRICES.dynamodbReadUnitsPerMillion + use.writeUnits * PRICES.dynamodbWriteUnitsPerMillion;
  const ses = use.mails * 1000 * PRICES.sesPerThousandMails;
  return { api, lambda, dynamodb, ses, total: api + lambda + dynamodb + ses };
}

/** Amazon Cognito's monthly price for the same users, on each tier that compares. */
export function cognitoMonthly(monthlyActiveUsers: number) {
  return {
    essentials:
      Math.max(0, monthlyActiveUsers - PRICES.cognitoEssentialsFreeMau) * PRICES.cognitoEssentialsPerMau,
    essentialsWithoutFreeTier: monthlyActiveUsers * PRICES.cognitoEssentialsPerMau,
    plus: monthlyActiveUsers * PRICES.cognitoPlusPerMau,
  };
}
