// The slowest test files of a Vitest JSON report (`--reporter=json`), for CI's log: where the minutes go.
//   node scripts/slowest-files.mjs <report.json> [count]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [file, count = '10'] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, 'utf8'));
const files = report.testResults
  .map((result) => ({ name: relative(process.cwd(), result.name), ms: result.endTime - result.startTime }))
  .sort((a, b) => b.ms - a.ms)
  .slice(0, Number(count));
console.log(`slowest ${files.length} test files (wall time each; files run side by side):`);
for (const { name, ms } of files) console.log(`${(ms / 1000).toFixed(1).padStart(7)} s  ${name}`);
