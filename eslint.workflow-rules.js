// What workflow code may import. Workflow code is replayed and must be deterministic: it may import
// @temporalio/workflow, the workflow modules beside it (contracts, task queues) and, with `import type`, types
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
            regex: '^(?!@temporalio/workflow$|\\./[^/]+$)',
            allowTypeImports: true,
            message:
              'Workflow code may import only @temporalio/workflow, workflow modules in ./ and `import type` (no Node built-ins, entities or activity code).',
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
