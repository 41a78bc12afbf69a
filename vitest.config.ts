import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The layers, each its own project: pure logic (fast, no I/O), the domain factories on real adapters over
 * an in-process emulator with a clock the test moves, the HTTP contract against the local stack and its
 * emulators, CDK assertions on the synthesized template, the deployed artifacts (the synthesized bundles
 * with only their template environment and IAM grants), and the browser client end to end; then the
 * timing tests, alone.
 *
 * Most files wait on emulators, child processes and sockets rather than compute, so files run side by side
 * (Vitest's default in run mode is cores − 1 workers: one at a time on a 2-core machine). Every file owns
 * its data (its own users, addresses, tables or queues), so the order and the neighbours do not matter.
 * What measures time does: the `timing` project runs after every other has finished, one file at a time,
 * on a stack of its own with the shipped answer floors.
 */
const WORKERS = 4;
const RUN_ALONE = ['test/integration/enumeration.test.ts'];

/**
 * The order files start in, within a group: the projects whose files are long first, so that the longest
 * file does not start last and hold the run's end alone; the artifacts after the integration files, by
 * when both stages' synth, which their global setup starts in the background, is done; the short domain
 * and unit files last, filling the workers as the long ones end. Vitest's own order (projects by name,
 * then larger files first) stays within each project.
 */
const PROJECT_ORDER = ['integration', 'artifacts', 'e2e', 'infra', 'domain', 'unit', 'timing'];
class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => [
      spec.project.config.sequence.groupOrder,
      PROJECT_ORDER.indexOf(spec.project.name),
    ];
    return sorted
      .map((spec, index) => ({ spec, index }))
      .sort((a, b) => {
        const [groupA = 0, projectA = 0] = rank(a.spec);
        const [groupB = 0, projectB = 0] = rank(b.spec);
        return groupA - groupB || projectA - projectB || a.index - b.index;
      })
      .map(({ spec }) => spec);
  }
}

export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxWorkers: WORKERS,
    sequence: { sequencer: LongFirst },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'domain', include: ['test/domain/**/*.test.ts'], testTimeout: 20_000 } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: RUN_ALONE,
          globalSetup: ['test/integration/local-stack.setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // Each file synthesizes in a beforeAll: a synth takes seconds, more beside other projects' work.
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'artifacts',
          include: ['test/artifacts/**/*.test.ts'],
          globalSetup: ['test/artifacts/synth.setup.ts'],
          setupFiles: ['test/artifacts/synth-ready.ts'],
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
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'timing',
          include: RUN_ALONE,
          globalSetup: ['test/integration/timing.setup.ts'],
          testTimeout: 120_000,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
