import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Modules a function loads only when it needs them (`await import('#shared/...')`), shipped as files of
 * their own beside its bundle instead of inside it: WebAuthn's verifier (SimpleWebAuthn, with its CBOR,
 * ASN.1 and X.509 code, about 300 KB) is loaded by the passkey routes on their first ceremony, so their
 * bundles stay as small as the others and their cold start loads none of it. The bundle keeps the import
 * as written (esbuild leaves it external); a `package.json` beside it maps the specifier to the file, as
 * the project's own `imports` map it to the source locally.
 */
export const LAZY_MODULES = { '#shared/auth/webauthn-verifier': 'webauthn-verifier' } as const;

const root = fileURLToPath(new URL('../', import.meta.url));

/** Parts of the SDK still call require(); an ESM bundle needs one defined. */
export const ESM_REQUIRE_BANNER =
  "import{createRequire}from'module';const require=createRequire(import.meta.url);";

/** The esbuild options every bundle of the stack is built with, a lazy module's included. */
export const BUNDLE_OPTIONS = {
  format: 'esm',
  target: 'node24',
  platform: 'node',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
} as const;

/** The lazy modules a built bundle imports. */
export const lazyModulesIn = (bundleFile: string): (keyof typeof LAZY_MODULES)[] => {
  const code = readFileSync(bundleFile, 'utf8');
  return (Object.keys(LAZY_MODULES) as (keyof typeof LAZY_MODULES)[]).filter((specifier) =>
    code.includes(`"${specifier}"`),
  );
};

/**
 * Builds, beside the bundle in `outputDir`, each lazy module it imports, and the `package.json` that maps
 * their specifiers to them. Run after each function's bundling (infra/constructs/api-function.ts).
 */
export async function addLazyModules(outputDir: string): Promise<void> {
  const wanted = lazyModulesIn(join(outputDir, 'index.mjs'));
  if (!wanted.length) return;
  const { build } = await import('esbuild');
  const imports: Record<string, string> = {};
  for (const specifier of wanted) {
    const file = `${LAZY_MODULES[specifier]}.mjs`;
    await build({
      ...BUNDLE_OPTIONS,
      mainFields: [...BUNDLE_OPTIONS.mainFields],
      entryPoints: [join(root, `${specifier.replace('#', '')}.ts`)],
      bundle: true,
      outfile: join(outputDir, file),
      logLevel: 'warning',
    });
    imports[specifier] = `./${file}`;
  }
  writeFileSync(join(outputDir, 'package.json'), `${JSON.stringify({ type: 'module', imports })}\n`);
}

// `node infra/lazy-modules.ts <outputDir>`: the command the bundling runs after esbuild.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  await addLazyModules(process.argv[2] ?? '');
