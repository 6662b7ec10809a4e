// Lint: typescript-eslint's type-aware recommended rules, plus the checks this code base relies on
// (no floating promises, no unused code, type-only imports written as such).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/', 'dist/', 'node_modules/', '.vscode-test/', '*.vsix'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      // Required lazily on purpose: the parser backends (a broken prebuild falls back to wasm) and the editor's layers.
      '@typescript-eslint/no-require-imports': [
        'error',
        { allow: ['^tree-sitter(-c)?$', '^web-tree-sitter$', '^\\./layers$'] },
      ],
    },
  },
  {
    // The report page's script runs in the webview, unbundled: a name it does not define fails only there.
    files: ['media/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        requestAnimationFrame: 'readonly',
        acquireVsCodeApi: 'readonly',
      },
    },
    rules: { 'no-undef': 'error', 'no-unused-vars': 'error' },
  },
  {
    // Tests read reports back with JSON.parse (any) and probe shapes on purpose.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
