// `npm run test:unit`: the pure tier (*.spec.ts) alone, without the global setup that brings up
// Kafka and PostgreSQL. `npm test` runs every tier in one jest run (jest.config.js).
const base = require('./jest.config.js');

module.exports = { ...base, testRegex: '.*(?<!int-|e2e-|faults-)\\.spec\\.ts$', globalSetup: undefined, globalTeardown: undefined };
