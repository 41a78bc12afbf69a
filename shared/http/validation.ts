import type * as z from 'zod/mini';

const valueAt = (value: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (current, key) =>
      current !== null && typeof current === 'object'
        ? (current as Record<PropertyKey, unknown>)[key]
        : undefined,
    value,
  );

/** Turns a schema's complaints about `input` into one message per field, in words a person can act on. */
export function fieldProblems(error: z.core.$ZodError, input: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[key] ??= 'is not an accepted field';
      continue;
    }
    const field = issue.path.length ? issue.path.join('.') : 'body';
    const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
    fields[field] ??= missing ? 'is required' : issue.message;
  }
  return fields;
}
