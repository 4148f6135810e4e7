import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// typescript-eslint's recommended rules, fitted to the code as it is. tsc (strict, noUnusedLocals,
// noUnusedParameters) already checks unused names, so ESLint does not check them twice.
export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test-results/', 'deploy/local/.cache/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': 'off', // tsc's noUnusedLocals/Parameters; `_`-prefixed rest picks are how we drop a field
      '@typescript-eslint/no-explicit-any': 'off', // rows from pg and JSON bodies in tests are `any` by nature
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      '@typescript-eslint/no-unsafe-function-type': 'off', // class-validator's metadata is keyed by constructors
      'preserve-caught-error': 'off', // our start-up errors name the cause in the message, for one clear line
      'no-useless-assignment': 'off', // flags loop state read in a later iteration
    },
  },
  {
    files: ['apps/query-api/src/dashboard/public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: {
        window: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        location: 'readonly',
        history: 'readonly',
        EventSource: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        console: 'readonly',
        localStorage: 'readonly',
        sessionStorage: 'readonly',
        Intl: 'readonly',
        requestAnimationFrame: 'readonly',
        echarts: 'readonly',
        navigator: 'readonly',
        matchMedia: 'readonly',
        HTMLElement: 'readonly',
        CustomEvent: 'readonly',
        Event: 'readonly',
        AbortController: 'readonly',
        structuredClone: 'readonly',
        CSS: 'readonly',
        Node: 'readonly',
      },
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', 'bench/main.ts', 'test/openapi.e2e-spec.ts'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' }, // CommonJS files, and require() of a path found at run time
  },
);
