#!/usr/bin/env -S node --max-semi-space-size=64
// `npx ledger <command>`: the ledger CLI, without npm's banner in front of its output (export > file
// stays clean NDJSON). Runs the build in dist/ (npm run build, or npm start, makes it). With the
// young generation the npm scripts give Node (64 MB semi-spaces): a replay of a million events spent
// 17.8 s in the garbage collector with Node's default and 8.2 s with it, 72-80 s against 58-62 s in
// all (V8 sizes it when the process starts: it cannot be set from here).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'apps', 'ledger-cli', 'src', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('ledger: not built yet: run `npm run build` first\n');
  process.exit(1);
}
require(main);
