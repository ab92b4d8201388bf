import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Engine } from 'php-parser';
import { assertPhp, PHP } from './phpSite';

/**
 * Every PHP file bxsup places: `php -l` clean on this machine's php-cli, and free of syntax newer than
 * PHP 7.4, the oldest PHP current Bitrix runs on (checked with a PHP 7.4 grammar).
 */
const SOURCES = path.resolve(__dirname, '..', '..', 'sitefiles', 'php');

function phpFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? phpFiles(path.join(dir, d.name))
      : d.name.endsWith('.php')
        ? [path.join(dir, d.name)]
        : [],
  );
}

const files = phpFiles(SOURCES);
const php74 = new Engine({
  parser: { version: '7.4', suppressErrors: false },
  ast: { withPositions: false },
});

describe('the PHP bxsup places in a site', () => {
  beforeAll(() => assertPhp());

  it('is found', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files.map((f) => [path.relative(SOURCES, f), f]))(
    '%s: php -l and the PHP 7.4 grammar',
    (_name, file) => {
      const lint = spawnSync(PHP, ['-l', file], { encoding: 'utf8' });
      expect(lint.stdout).toContain('No syntax errors');
      expect(() => php74.parseCode(readFileSync(file, 'utf8'), path.basename(file))).not.toThrow();
      // Every file that Bitrix includes refuses to run outside it (lang files only define messages).
      if (!file.includes(`${path.sep}lang${path.sep}`))
        expect(readFileSync(file, 'utf8')).toContain('B_PROLOG_INCLUDED');
    },
  );
});
