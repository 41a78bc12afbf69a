import { readFileSync } from 'node:fs';
import {
  type App,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  Validations,
} from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LIMITS, type TemplateJson, templateProblems } from '#infra/template-limits';

/**
 * On every synth: cdk-nag's AwsSolutions pack, and AWS's hard limits (infra/template-limits.ts) on each
 * synthesized template. A finding of either fails the synth.
 */
export function checkWithCdkNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), templateLimits);
}

/** AWS's hard limits as a synth check: what CloudFormation would refuse part-way through a deploy. */
const templateLimits: IPolicyValidationPlugin = {
  name: 'PistusTemplateLimits',
  ruleIds: Object.keys(LIMITS),
  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations = context.stackTemplates.flatMap(({ templatePath }) =>
      templateProblems(JSON.parse(readFileSync(templatePath, 'utf8')) as TemplateJson).map((problem) => ({
        ruleName: problem.limit,
        description: `${problem.limit}: ${problem.actual}, where AWS takes at most ${problem.max}`,
        violatingResources: [
          {
            ...(problem.subject === 'stack' ? {} : { resourceLogicalId: problem.subject }),
            templatePath,
            locations: [],
          },
        ],
      })),
    );
    return { success: violations.length === 0, violations };
  },
};
