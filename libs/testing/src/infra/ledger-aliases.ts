import Module from 'node:module';
import { join } from 'node:path';

// jest's moduleNameMapper serves the test files, not the global setup, which jest loads with Node's
// own resolver: map the `@ledger/<lib>` names (tsconfig.json's paths) here for the setup's imports.
type Resolve = (request: string, ...rest: unknown[]) => string;
const resolver = Module as unknown as { _resolveFilename: Resolve };
const resolve = resolver._resolveFilename;
const libs = join(__dirname, '..', '..', '..');
resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
  const m = /^@ledger\/([a-z-]+)$/.exec(request);
  return resolve.call(this, m ? join(libs, m[1], 'src') : request, ...rest);
};
