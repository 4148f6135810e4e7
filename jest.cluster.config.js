// `npm run test:cluster`: the ledger on a three-broker Kafka cluster (deploy/local/kafka.sh cluster,
// ports 49092-49097) with the partition leader killed, a broker paused and two brokers down, under
// load, plus queries on a PostgreSQL streaming replica. One file at a time: they kill servers and
// load the machine. Same harness and figures as the fault suite (jest.faults.config.js); the
// global teardown prints the figures of this run.
const faults = require('./jest.faults.config.js');

module.exports = {
  ...faults,
  roots: ['<rootDir>/test/cluster'],
  testRegex: 'test/cluster/.*\\.cluster-spec\\.ts$',
};
