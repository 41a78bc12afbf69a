import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startTestIdentityProvider } from '../../infra/local/test-identity-provider.ts';
import {
  ARTIFACTS_PROVIDER,
  STAGES,
  synthesisFolders,
  synthesized,
  templateIn,
} from '../../scripts/synth-once.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Each stage's synthesized template, its bundles beside it (ready once synth-ready.ts has run). */
    templates: Record<'dev' | 'prod', string>;
    /** The certificate of the stand-in identity provider's TLS, for the functions to trust. */
    providerCertificate: string;
  }
}

export { STAGES };

/**
 * Both stages synthesized exactly as `npm run synth` and `cdk deploy` do (bundles included), so the suite
 * runs what would be deployed now, never a stale cdk.out: once per change of the sources, shared with the
 * template checks and the bundle sizes of the same run (scripts/synth-once.ts). The synth is started here
 * and not awaited: it takes half a minute of bundling, which the other projects' files use meanwhile; each
 * artifacts file waits for it first (synth-ready.ts), and a synth that failed here is tried again there,
 * where its error fails the file.
 */
/**
 * The identity provider both stages declare (ARTIFACTS_PROVIDER), stood in by the local test provider over
 * TLS, with a certificate made now for its address (openssl, on every Debian image).
 */
async function startProviderStandIn() {
  const dir = mkdtempSync(join(tmpdir(), 'pistus-provider-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  const { hostname, port } = new URL(ARTIFACTS_PROVIDER.issuer);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${hostname}`,
      '-addext',
      `subjectAltName=IP:${hostname}`,
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const provider = await startTestIdentityProvider(Number(port), hostname, {
    key: readFileSync(key, 'utf8'),
    cert: readFileSync(cert, 'utf8'),
  });
  return {
    cert,
    async stop() {
      await provider.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject) {
  const provider = await startProviderStandIn();
  project.provide('providerCertificate', provider.cert);
  const folders = synthesisFolders();
  synthesized().catch((error: unknown) => {
    console.error(`artifacts: the synth will be tried again by the tests: ${String(error).slice(0, 500)}`);
  });
  project.provide('templates', {
    dev: templateIn(folders.dev, 'dev'),
    prod: templateIn(folders.prod, 'prod'),
  });
  return () => provider.stop();
}
