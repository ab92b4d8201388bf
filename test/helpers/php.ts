import { spawnSync } from 'node:child_process';

/**
 * php-cli for the tests that check what PHP itself makes of our output (unserialize() of C_FIELDS). A
 * machine without it fails such a test with one line that says what to install: never a silent skip
 * (`npm test` installs it first, scripts/test-prerequisites.sh).
 */
const MISSING =
  'php-cli is not installed: npm test installs it (scripts/test-prerequisites.sh); by hand: apt-get install -y php-cli';

/** For tests that run PHP files themselves (test/picker): fails at once, with the line above, without php. */
export function assertPhp(): void {
  const probe = spawnSync('php', ['-v']);
  if (probe.error || probe.status !== 0) throw new Error(MISSING);
}

export function runPhp(code: string, input: Buffer | string = ''): string {
  const result = spawnSync('php', ['-r', code], { input });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(MISSING);
  }
  if (result.status !== 0) throw new Error(`php failed: ${result.stderr.toString()}`);
  return result.stdout.toString();
}
