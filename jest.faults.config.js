// `npm run test:faults`: scenarios that kill and restart real processes (Kafka brokers, PostgreSQL,
// the apps) and record figures. One file at a time: they kill servers and must not overlap, and
// each one loads the machine. Same transform and infrastructure as jest.config.js; the global
// teardown also prints the figures every scenario recorded in test-results/faults/.
const base = require('./jest.config.js');

module.exports = {
  rootDir: base.rootDir,
  testEnvironment: base.testEnvironment,
  roots: ['<rootDir>/test/faults'],
  testRegex: 'test/faults/.*\\.faults-spec\\.ts$',
  transform: base.transform,
  moduleNameMapper: base.moduleNameMapper,
  globalSetup: '<rootDir>/test/faults/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/faults/harness/global-teardown.ts',
  testTimeout: 300_000,
  maxWorkers: 1,
};
