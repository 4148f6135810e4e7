// `npm run lint`: typescript-eslint's recommended rules, fitted to the code as it is, and the
// type-aware rules that catch promises nobody awaits. Layout is Prettier's (`npm run format:check`).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// tsc (strict, noUnusedLocals, noUnusedParameters) already checks unused names, so ESLint does not check them twice.
export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test-results/', 'deploy/local/.cache/', 'data/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
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
    // A promise nobody awaits loses its rejection. These rules need the types (tsconfig.json's project):
    // about 20-25 s for the whole tree on 2 cores, against 7 s without them.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // checksVoidReturn off: the async callbacks handed to setTimeout, EventEmitter.on and onFatal here
      // catch their own errors; a promise tested in an `if`, or spread, is still an error.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    // The dashboard's static files: browser modules, served as they are.
    files: ['apps/query-api/src/dashboard/public/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
  {
    files: ['**/*.js', '**/*.cjs', 'bench/main.ts', 'test/openapi.e2e-spec.ts'],
    ignores: ['apps/query-api/src/dashboard/public/**'],
    languageOptions: { globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' }, // CommonJS files, and require() of a path found at run time
  },
);
