import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The package root: dist/core/ at run time, core/ under jest; both have package.json two or one levels up. */
export const PACKAGE_ROOT = ((): string => {
  for (const candidate of [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..')]) {
    try {
      readFileSync(path.join(candidate, 'package.json'));
      return candidate;
    } catch {
      // not here
    }
  }
  return path.resolve(__dirname, '..');
})();

export const VERSION: string = (
  JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
