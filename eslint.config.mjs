// Lint: typescript-eslint's recommended rules (typescript is pinned to 5.9 because typescript-eslint needs < 6.1).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.vscode-test/**', 'node_modules/**', 'test-results/**', 'bench/data/**', 'bench/.build/**', '**/*.d.ts', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      curly: ['error', 'multi-line'],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Extension and engine code log through the LogOutputChannel; only the CLI, tools and tests print.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/webview/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // The engine is pure: no `vscode` anywhere under src/core (the CLI and the local API stand on it).
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core and src/cli must not depend on vscode.' }] }] },
  },
);
