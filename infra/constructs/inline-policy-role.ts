import {
  type AddToPrincipalPolicyResult,
  PolicyDocument,
  type PolicyStatement,
  Role,
  type RoleProps,
} from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * A role that keeps every statement granted to it in one inline policy of the role itself, including the
 * ones CDK adds on its own (active tracing's `xray:Put*`, a function's dead-letter queue, an event source
 * mapping's receive and delete). CDK's `Role` puts those in a `DefaultPolicy`, an AWS::IAM::Policy resource
 * of its own: one more resource per role against CloudFormation's 500 per stack. The policy is still the
 * role's alone, and the role resource carries its grants, so nothing that uses the role can start before
 * them. The inline document renders at synthesis, so statements added after construction are in it.
 */
export class InlinePolicyRole extends Role {
  // An ECMAScript private field: no clash with Role's own members (`grants` is one).
  readonly #policy: PolicyDocument;

  constructor(scope: Construct, id: string, props: Omit<RoleProps, 'inlinePolicies'>) {
    const policy = new PolicyDocument();
    super(scope, id, { ...props, inlinePolicies: { grants: policy } });
    this.#policy = policy;
  }

  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    this.#policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this };
  }
}
