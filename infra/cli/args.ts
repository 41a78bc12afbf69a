import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * Parses command-line flags strictly: an unknown flag is an error with the usage, not silently ignored.
 * `--help` (or `-h`) prints the usage and exits 0.
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  usage: string,
) {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
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
