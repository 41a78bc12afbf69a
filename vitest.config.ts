import { defineConfig } from 'vitest/config';

/**
 * The layers, each its own project: pure logic (fast, no I/O), the domain factories on real adapters over
 * an in-process emulator with a clock the test moves, the HTTP contract against the local stack
 * and its emulators, CDK assertions on the synthesized template, the deployed artifacts (the synthesized
 * bundles with only their template environment and IAM grants), and the browser client end to end.
 */
export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'domain', include: ['test/domain/**/*.test.ts'], testTimeout: 20_000 } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/local-stack.setup.ts'],
          testTimeout: 20_000,
        },
      },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 60_000 } },
      {
        extends: true,
        test: {
          name: 'artifacts',
          include: ['test/artifacts/**/*.test.ts'],
          globalSetup: ['test/artifacts/synth.setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/local-stack.setup.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
