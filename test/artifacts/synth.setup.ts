import type { TestProject } from 'vitest/node';
import { STAGES, synthesisFolders, synthesized, templateIn } from '../../scripts/synth-once.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Each stage's synthesized template, its bundles beside it (ready once synth-ready.ts has run). */
    templates: Record<'dev' | 'prod', string>;
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
export default function setup(project: TestProject) {
  const folders = synthesisFolders();
  synthesized().catch((error: unknown) => {
    console.error(`artifacts: the synth will be tried again by the tests: ${String(error).slice(0, 500)}`);
  });
  project.provide('templates', {
    dev: templateIn(folders.dev, 'dev'),
    prod: templateIn(folders.prod, 'prod'),
  });
}
