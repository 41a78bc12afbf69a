/**
 * The peer the cold-start figure is weighed against: better-auth 1.x as a Lambda handler would hold it,
 * initialized at module scope with email and password sign-in and no database (its stateless mode: it
 * ships no DynamoDB adapter, and a database adapter would only add to its start). `npm run bundles` bundles it exactly as the stack bundles a function and times its import beside
 * them. Never deployed.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { betterAuth } from 'better-auth';

const auth = betterAuth({
  baseURL: 'https://app.pistus.example',
  secret: process.env.PEER_SECRET ?? 'b'.repeat(43),
  emailAndPassword: { enabled: true },
  telemetry: { enabled: false },
});

export const handler = async (event: APIGatewayProxyEventV2) => {
  const response = await auth.handler(
    new Request(`https://${event.requestContext.domainName}${event.rawPath}`, {
      method: event.requestContext.http.method,
      headers: event.headers as Record<string, string>,
      ...(event.body ? { body: event.body } : {}),
    }),
  );
  return { statusCode: response.status, body: await response.text() };
};
