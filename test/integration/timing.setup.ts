import type { TestProject } from 'vitest/node';
import { startStackFor } from './local-stack.setup.ts';

/** The stack for the timing tests: every answer floor at its shipped value, as they measure it. */
export default (project: TestProject) => startStackFor(project, {});
