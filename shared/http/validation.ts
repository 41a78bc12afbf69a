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
  // A Map, not an object: a field named `__proto__` or `constructor` must be reported, not swallowed.
  const fields = new Map<string, string>();
  const note = (field: string, problem: string) => {
    if (!fields.has(field)) fields.set(field, problem);
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) note(key, 'is not an accepted field');
      continue;
    }
    const field = issue.path.length ? issue.path.join('.') : 'body';
    const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
    note(field, missing ? 'is required' : issue.message);
  }
  const result: Record<string, string> = {};
  // defineProperty: plain assignment of `__proto__` would set the prototype instead of a field.
  for (const [field, problem] of fields)
    Object.defineProperty(result, field, {
      value: problem,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return result;
}
