/**
 * `npm run sam:env -- --stack Pistus-dev [--template cdk.out/Pistus-dev.template.json] [--out sam-env.json]`:
 * writes SAM's `--env-vars` file, so `sam local start-api -t <template> --env-vars sam-env.json` runs the
 * synthesized functions in Docker against that deployed stage's tables and secrets (AWS credentials from
 * the environment). See docs/deploy.md, "With Docker". Not run on this project's machines (no Docker).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  paginateListStackResources,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { fail, parseFlags } from '#infra/cli/args';
import { deploymentFrom, samEnvVars } from '#infra/cli/sam-env-vars';

const usage = 'usage: npm run sam:env -- --stack Pistus-dev [--template <file>] [--out sam-env.json]';
const { values } = parseFlags(
  process.argv.slice(2),
  {
    stack: { type: 'string' },
    template: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean' },
  },
  usage,
);
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!values.stack) fail(`--stack is required\n${usage}`);
const stack = values.stack;
const templateFile = values.template ?? `cdk.out/${stack}.template.json`;
const out = values.out ?? 'sam-env.json';

try {
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as Parameters<typeof samEnvVars>[0];
  const client = new CloudFormationClient({});
  const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stack }));
  const stackId = Stacks?.[0]?.StackId;
  if (!stackId) throw new Error(`no stack ${stack}`);
  const resources: StackResourceSummary[] = [];
  for await (const page of paginateListStackResources({ client }, { StackName: stack }))
    resources.push(...(page.StackResourceSummaries ?? []));
  const file = samEnvVars(template, deploymentFrom(stackId, resources));
  writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  console.log(`${out}: ${Object.keys(file).length} functions, from ${templateFile} and stack ${stack}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
