import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository's root, found by walking up from this file to the folder holding nest-cli.json, so
 * it is the same whether the code runs from the sources (jest) or from dist/ (the bench, CLI tests).
 */
export function findRepoRoot(from: string = __dirname): string {
  for (let d = from; d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, 'nest-cli.json')) && existsSync(join(d, 'package.json'))) return d;
  }
  throw new Error(`no repository root (a folder with nest-cli.json) above ${from}`);
}

export const REPO_ROOT = findRepoRoot();
