import { readFileSync } from 'node:fs';

/** The packages whose presence in a bundle says what its role must grant (or what it should not carry). */
export const WATCHED_PACKAGES = [
  'bcryptjs',
  'jose',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-ses',
  '@aws-sdk/client-sqs',
] as const;

/** The npm packages an esbuild bundle carries, read from its source map's sources. */
export function packagesIn(bundle: string): Set<string> {
  const { sources } = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[] };
  return new Set(
    sources
      .map((source) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1])
      .filter((name): name is string => name !== undefined),
  );
}
