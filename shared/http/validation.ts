import type * as z from 'zod/mini';

/** Turns a schema's complaints into one message per field, in words a person can act on. */
export function fieldProblems(error: z.core.$ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[key] ??= 'is not an accepted field';
      continue;
    }
    const field = issue.path.length ? issue.path.join('.') : 'body';
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    fields[field] ??= missing ? 'is required' : issue.message;
  }
  return fields;
}
