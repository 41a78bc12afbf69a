import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Parses command-line flags strictly: an unknown flag is an error with the usage, not silently ignored. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  usage: string,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
}

export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
