/**
 * What may import what (README, "Architecture"), checked by `npm run lint`. The domain (auth, registrations)
 * knows neither HTTP nor AWS and reads the data layer's types only; handlers reach the domain through the
 * composition roots, never an adapter; nothing at run time imports the CDK app; the platform is a leaf.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const domain = '^shared/(auth|registrations)/';

export default {
  forbidden: [
    {
      name: 'domain-knows-no-aws',
      comment: 'The domain talks to AWS through interfaces the adapters implement (shared/data, shared/aws).',
      severity: 'error',
      from: { path: domain },
      to: { path: ['^shared/aws/', '^node_modules/@aws-sdk/', '^node_modules/@aws-lambda-powertools/'] },
    },
    {
      name: 'domain-knows-no-http',
      comment:
        'The domain raises outcomes (shared/platform/outcomes.ts); shared/http maps them to statuses, shared/queue reads and answers SQS.',
      severity: 'error',
      from: { path: domain },
      to: {
        path: [
          '^shared/http/',
          '^shared/queue/',
          '^shared/compose/',
          '^node_modules/@middy/',
          '^node_modules/@types/aws-lambda/',
        ],
      },
    },
    {
      name: 'domain-reads-data-types-only',
      comment: 'The domain is given its tables; it may name their types, never import their code.',
      severity: 'error',
      from: { path: domain },
      to: { path: '^shared/data/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'handlers-use-no-adapters',
      comment: 'A handler composes services (shared/compose) and calls the domain; it never touches a table.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^shared/(data|aws)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'runtime-imports-no-infra',
      comment: 'What runs on Lambda never imports the CDK app or the local runtime.',
      severity: 'error',
      from: { path: '^(shared|functions)/' },
      to: { path: '^infra/' },
    },
    {
      name: 'platform-is-a-leaf',
      comment: 'Config, logger, clock, events and outcomes are used by everything and use nothing of ours.',
      severity: 'error',
      from: { path: '^shared/platform/' },
      to: { path: '^(shared/(?!platform/)|functions/|infra/)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|\\.local)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
