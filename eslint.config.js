// Lint: type-aware rules everywhere, and workflow code kept deterministic by what it may import.
import tseslint from 'typescript-eslint';
import { workflowImportRules } from './eslint.workflow-rules.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'off',
    },
  },
  workflowImportRules,
  {
    files: ['eslint.config.js', 'eslint.workflow-rules.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
