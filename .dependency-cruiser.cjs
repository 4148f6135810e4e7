// The layout of STYLE.md, checked on every CI run (`npm run lint:deps`): each library imports only
// the libraries below it, none imports an app, kafkajs stays in libs/log, and nothing imports in a circle.
const TESTS = '(\\.(spec|int-spec|e2e-spec|faults-spec)\\.ts$|/__tests__/)';

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

const floors = Object.entries(BELOW).map(([lib, allowed]) => ({
  name: `floor-${lib}`,
  comment: `libs/${lib} may import only ${allowed.join(', ') || 'no other library'} (tests also libs/testing)`,
  severity: 'error',
  from: { path: `^libs/${lib}/`, pathNot: TESTS },
  to: { path: '^libs/([^/]+)/', pathNot: [`^libs/(${[lib, ...allowed].join('|')})/`] },
}));

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
      comment: 'an app imports another app only through its root module (ledger start hosts all three)',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: ['^apps/$1/', '^apps/[^/]+/src/[^/]+\\.module\\.ts$'] },
    },
    {
      name: 'kafkajs-only-in-log',
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
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|coverage|deploy|data)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
