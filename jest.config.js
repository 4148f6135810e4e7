// One jest run covers the three tiers of STYLE.md habit 12: *.spec.ts (pure), *.int-spec.ts (real
// Postgres and Kafka, a fresh database and topic per file) and test/*.e2e-spec.ts (across apps).
// The global setup brings the real services up once per run (see libs/testing/src/infra).
const swc = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: { '^@ledger/(contracts|postgres|log|config|ledger-store|read-models|audit|http|ops|testing)$': '<rootDir>/libs/$1/src' },
  globalSetup: '<rootDir>/libs/testing/src/infra/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/infra/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
