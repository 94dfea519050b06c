// Lint: type-aware rules everywhere, dependencies pointing one way between the layers, and workflow code kept
// deterministic by what it may import.
import tseslint from 'typescript-eslint';
import { layerImportRules } from './eslint.layer-rules.js';
import { workflowImportRules } from './eslint.workflow-rules.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'web/src/api/*.gen.ts'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/only-throw-error': 'off',
    },
  },
  layerImportRules,
  workflowImportRules,
  {
    // Tests read JSON answers without declaring their shape; the assertions are the type check there.
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The box office's typed API answers are the generated schema's; React handlers may be async.
    files: ['web/src/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    files: ['eslint.config.js', 'eslint.layer-rules.js', 'eslint.workflow-rules.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
