import infraSetup from '../../../libs/testing/src/infra/global-setup';

/** The shared infrastructure (build, PostgreSQL, the shared Kafka), and when this run started. */
export default async function globalSetup(): Promise<void> {
  process.env.LEDGER_FAULTS_RUN_STARTED = new Date().toISOString();
  await infraSetup();
}
