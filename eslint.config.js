import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'web/dist/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': ['error', {
        object: 'process', property: 'env',
        message: 'Only src/config reads process.env; receive configuration instead.',
      }],
    },
  },
  {
    files: ['src/config/**', 'scripts/**', 'test/**', 'bench/**', '**/*.test.ts', 'bin/**', '.ci/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The web UI runs in the browser: browser globals, no Node, and only the API client talks to the server.
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', navigator: 'readonly', localStorage: 'readonly', sessionStorage: 'readonly', fetch: 'readonly', URLSearchParams: 'readonly', getComputedStyle: 'readonly', devicePixelRatio: 'readonly', ResizeObserver: 'readonly', TextDecoderStream: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Intl: 'readonly' } },
    rules: {
      'no-restricted-globals': ['error', { name: 'process', message: 'The web UI runs in the browser.' }],
      'no-restricted-imports': ['error', { patterns: [{ regex: '^node:', message: 'The web UI runs in the browser.' }, { regex: '(\\.\\./)+src/', message: 'Only type imports from the server (its schemas).', allowTypeImports: true }] }],
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    ignores: ['web/src/api/**'],
    rules: { 'no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='fetch']", message: 'Call the API through web/src/api (one typed client).' }] },
  },
);
