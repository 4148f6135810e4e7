#!/usr/bin/env node
// `npx ledger <command>`: the ledger CLI, without npm's banner in front of its output (export > file
// stays clean NDJSON). Runs the build in dist/ (npm run build, or npm start, makes it).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'apps', 'ledger-cli', 'src', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('ledger: not built yet: run `npm run build` first\n');
  process.exit(1);
}
require(main);
