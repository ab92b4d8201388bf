import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildProgram, namedCommand } from '../../cli/main';
import { runCli } from '../helpers/cli';

/** A command line that names a command loads only that command's module (a backfill starts sooner). */
describe('CLI commands loaded on demand', () => {
  let dir: string;
  let preload: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bxsup-lazy-'));
    preload = path.join(dir, 'listModules.js');
    // Preloaded into the CLI: prints which of our built modules it loaded, as it exits.
    writeFileSync(
      preload,
      `process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache)
        .filter((f) => f.includes('/dist/')).map((f) => f.slice(f.lastIndexOf('/dist/') + 6))) + '\\n'));`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function loadedBy(
    args: string[],
  ): Promise<{ code: number | null; stdout: string; loaded: string[] }> {
    const run = await runCli(args, { env: { NODE_OPTIONS: `--require ${preload}` } });
    const line = run.stderr.split('\n').find((l) => l.startsWith('LOADED '));
    expect(line).toBeDefined();
    return { code: run.code, stdout: run.stdout, loaded: JSON.parse(line!.slice(7)) as string[] };
  }

  test('bxsup sync loads the sync command, not the daemon, the mail sender or the installer', async () => {
    const run = await loadedBy(['sync', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--once');
    expect(run.loaded).toContain('cli/commands/sync.js');
    for (const other of ['cli/commands/run.js', 'cli/commands/install.js', 'cli/commands/report.js'])
      expect(run.loaded).not.toContain(other);
    // The configuration's schema takes in every feature's settings (mail/mailConfig.js): not their code.
    const workers = run.loaded.filter(
      (f) => f.startsWith('daemon/') || (f.startsWith('mail/') && f !== 'mail/mailConfig.js'),
    );
    expect(workers).toEqual([]);
  });

  test('bxsup --help still lists every command, in the usual order', async () => {
    const run = await loadedBy(['--help']);
    expect(run.code).toBe(0);
    const listed = [...run.stdout.matchAll(/^ {2}(\w+)\b/gm)].map((m) => m[1]);
    expect(listed).toEqual([
      'install',
      'uninstall',
      'status',
      'sync',
      'run',
      'demo',
      'escalate',
      'mail',
      'templates',
      'queue',
      'report',
      'service',
      'help',
    ]);
  });

  test('a misspelt command is still told the one it resembles', async () => {
    const run = await runCli(['synk']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Did you mean sync?');
  });

  test('the first word picks the command only when it is one of ours', () => {
    expect(namedCommand(['sync', '--once'])).toBe('sync');
    expect(namedCommand(['report', '--json'])).toBe('report');
    for (const args of [[], ['--help'], ['-V'], ['help', 'sync'], ['synk'], ['constructor'], ['toString']])
      expect(namedCommand(args)).toBeNull();
  });

  test('a command built alone is the same command as in the full program (options, help)', async () => {
    const all = await buildProgram();
    for (const name of ['sync', 'run', 'report', 'install']) {
      const alone = (await buildProgram(name)).commands;
      expect(alone.map((c) => c.name())).toEqual([name]);
      const full = all.commands.find((c) => c.name() === name)!;
      expect(alone[0].helpInformation()).toBe(full.helpInformation());
    }
  });
});
