import { inject } from 'vitest';
import { httpClient } from '../support/http-client.ts';

export {
  type ApiResponse,
  type CallOptions,
  COOKIE_NAME,
  errorCode,
  loopbackAddress,
  PASSWORD,
  sessionToken,
  uniqueUsername,
} from '../support/http-client.ts';

/** The HTTP contract's client, against the local stack the integration project started. */
export const { apiUrl, call, callFrom, signUp } = httpClient(inject('apiUrl'));
