import infraTeardown from '../../../libs/testing/src/infra/global-teardown';
import { printFigures } from './figures-table';

/** Prints the figures this run recorded, then stops what the global setup started. */
export default async function globalTeardown(): Promise<void> {
  try {
    printFigures(process.env.LEDGER_FAULTS_RUN_STARTED);
  } finally {
    await infraTeardown();
  }
}
