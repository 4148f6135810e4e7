// The layout of STYLE.md, checked on every CI run (`npm run lint:deps`): each library imports only
// the libraries below it, none imports an app, kafkajs stays in libs/log, and nothing imports in a circle.
const TESTS = '(\\.(spec|int-spec|e2e-spec|faults-spec|cluster-spec)\\.ts$|/__tests__/)';

/** Each library and the libraries it may import (the floors, from the ground up). */
const BELOW = {
  contracts: [],
  config: [],
  postgres: ['contracts'],
  log: ['contracts', 'postgres'],
  'ledger-store': ['contracts', 'postgres'],
  'read-models': ['contracts', 'postgres', 'ledger-store'],
  http: ['contracts', 'config', 'postgres', 'ledger-store'],
  ops: ['contracts', 'config', 'postgres', 'log', 'ledger-store', 'read-models', 'http'],
  audit: ['contracts', 'postgres', 'log', 'ledger-store', 'read-models'],
};

const floors = Object.entries(BELOW).flatMap(([lib, allowed]) => [
  {
    name: `floor-${lib}`,
    comment: `libs/${lib} may import only ${allowed.join(', ') || 'no other library'}`,
    severity: 'error',
    from: { path: `^libs/${lib}/`, pathNot: TESTS },
    to: { path: '^libs/([^/]+)/', pathNot: [`^libs/(${[lib, ...allowed].join('|')})/`] },
  },
  {
    // The tests of a library are held to its floor too, with libs/testing besides.
    name: `floor-${lib}-tests`,
    comment: `the tests of libs/${lib} may import only ${[...allowed, 'testing'].join(', ')}`,
    severity: 'error',
    from: { path: `^libs/${lib}/.*${TESTS}` },
    to: { path: '^libs/([^/]+)/', pathNot: [`^libs/(${[lib, ...allowed, 'testing'].join('|')})/`] },
  },
]);

module.exports = {
  forbidden: [
    ...floors,
    {
      name: 'no-lib-imports-app',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-compose-libraries',
      comment: 'an app imports another app only through its root module, apps/<app>/src/<app>.module.ts (ledger start hosts all three)',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: ['^apps/$1/', '^apps/([^/]+)/src/\\1\\.module\\.ts$'] },
    },
    {
      // import, import type, require() and import() alike. Nothing else needs kafkajs today: the test
      // infrastructure (libs/testing/src/infra, test/faults/harness) and bench/ reach Kafka through
      // @ledger/log (bench/harness/report only names node_modules/kafkajs in a regex over profiles).
      name: 'kafkajs-only-in-log',
      comment: 'kafkajs is the Kafka adapter of libs/log (libs/log/src/kafka); everything else goes through the log port, @ledger/log',
      severity: 'error',
      from: { pathNot: '^libs/log/src/kafka/' },
      to: { path: 'node_modules/kafkajs/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // node_modules stays in the graph (it is not followed further): excluding it would drop the
    // dependencies on kafkajs that kafkajs-only-in-log looks for.
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|deploy|data)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
