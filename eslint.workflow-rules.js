// What workflow code may import. Workflow code is replayed and must be deterministic: it may import
// @temporalio/workflow, other workflow modules in its folder (contracts, task queues) and types only —
// never Node built-ins, entities or activity code.
/** @type {import('eslint').Linter.Config} */
export const workflowImportRules = {
  files: ['workflows/**/*.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: '^(?!@temporalio/workflow$|\\./)',
            allowTypeImports: true,
            message:
              'Workflow code may import only @temporalio/workflow, workflow modules in ./ and `import type` (no Node built-ins, entities or activity code).',
          },
        ],
      },
    ],
  },
};
