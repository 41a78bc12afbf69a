import * as z from 'zod/mini';

/** `POST /token`: the service the token is for, one of TOKEN_AUDIENCES. */
export const tokenRequestSchema = z.strictObject({
  audience: z
    .string()
    .check(z.minLength(1, 'is required'), z.maxLength(200, 'must be at most 200 characters')),
});
