// The project's one runtime is Node 24, as on Lambda (nodejs24.x). `npm start` and `npm test` move to it by
// themselves (scripts/node24.mjs); this guard stops anything else run on an older Node (ensure-deps.mjs run
// by hand, say) with one line saying what to do, not a stack trace.
// Plain JavaScript that any Node can parse, since its whole point is to run on the wrong one.
import { pathToFileURL } from 'node:url';

export const REQUIRED_MAJOR = 24;

/** The one-line problem with running on `version` (like process.version), or undefined when it is fine. */
export function nodeVersionProblem(version) {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? 0);
  if (major >= REQUIRED_MAJOR) return undefined;
  return (
    `Pistus needs Node.js ${REQUIRED_MAJOR} (Lambda's nodejs${REQUIRED_MAJOR}.x); this is ${version}. ` +
    `\`npm start\` and \`npm test\` use it by themselves; in a shell, run \`. scripts/node24.sh\` to put Node ${REQUIRED_MAJOR} from the npm registry first on PATH, or install it with your version manager (.nvmrc).`
  );
}

export function requireNode() {
  const problem = nodeVersionProblem(process.version);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) requireNode();
