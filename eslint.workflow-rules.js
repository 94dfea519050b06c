// What workflow code may import. Workflow code is replayed and must be deterministic: it may import
// @temporalio/workflow and @temporalio/common (the SDK's plain values it is built on, such as search-attribute keys),
// the workflow modules beside it (contracts, task queues) and, with `import type`, types
// from anywhere — never Node built-ins, entities or activity code, and nothing loaded at run time.
/** @type {import('eslint').Linter.Config} */
export const workflowImportRules = {
  files: ['workflows/**/*.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '^(?!@temporalio/(workflow|common)$|\\./[^/]+$)',
            allowTypeImports: true,
            message:
              'Workflow code may import only @temporalio/workflow, @temporalio/common, workflow modules in ./ and `import type` (no Node built-ins, entities or activity code).',
          },
        ],
      },
    ],
    // `import { type X }` still loads the module at run time; only `import type` is erased.
    '@typescript-eslint/no-import-type-side-effects': 'error',
    'no-restricted-syntax': [
      'error',
      { selector: 'ImportExpression', message: 'Workflow code may not load modules at run time.' },
      { selector: "CallExpression[callee.name='require']", message: 'Workflow code may not load modules at run time.' },
    ],
  },
};
