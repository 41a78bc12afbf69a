import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Each stage's synthesized template, its bundles beside it. */
    templates: Record<'dev' | 'prod', string>;
  }
}

export const STAGES = ['dev', 'prod'] as const;

/**
 * Synthesizes both stages exactly as `npm run synth` and `cdk deploy` do (bundles included), each into a
 * folder of its own, so the suite runs what would be deployed now, never a stale cdk.out.
 */
export default async function setup(project: TestProject) {
  const cdk = resolve('node_modules/.bin/cdk');
  const templates = Object.fromEntries(
    await Promise.all(
      STAGES.map(async (stage) => {
        const out = resolve(`.local/cdk.out.${stage}`);
        // The sender a prod deploy must name (the placeholder is refused there); any address will do here.
        const sender = [
          '-c',
          'senderEmail=payments@pistus.example',
          '-c',
          'appUrl=https://app.pistus.example',
        ];
        await promisify(execFile)(cdk, ['synth', '--quiet', '-c', `stage=${stage}`, ...sender, '-o', out], {
          env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
          maxBuffer: 64 * 1024 * 1024,
        });
        return [stage, join(out, `Pistus-${stage}.template.json`)] as const;
      }),
    ),
  ) as Record<'dev' | 'prod', string>;
  project.provide('templates', templates);
}
