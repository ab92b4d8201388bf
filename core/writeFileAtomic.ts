import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BxsupError } from './errors';

/**
 * Writes a file whole or not at all (a temp file beside it, then rename), so a report someone has open
 * is never seen half-written. A path that cannot be written is a usage error naming it.
 */
export function writeFileAtomic(file: string, content: string, mode = 0o644): string {
  const target = path.resolve(file);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, content, { mode });
    renameSync(temp, target);
  } catch (cause) {
    rmSync(temp, { force: true });
    throw new BxsupError('USAGE', `cannot write ${target}: ${(cause as Error).message}`, { cause });
  }
  return target;
}
