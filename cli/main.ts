#!/usr/bin/env node
import { Command } from 'commander';
import { VERSION } from '../core/version';
import { handleError } from './handleError';

/**
 * Each command's module, loaded when it is needed. A command's module brings in what it works with (the
 * daemon, the mail sender, the installer, reports...): requiring all twelve cost a `bxsup sync` ~0.2 s of
 * a start it spends mostly loading code, so a command line that names one command loads only that one.
 * Listed in the order `--help` shows them.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  install: async () => (await import('./commands/install')).installCommand(),
  uninstall: async () => (await import('./commands/uninstall')).uninstallCommand(),
  status: async () => (await import('./commands/status')).statusCommand(),
  sync: async () => (await import('./commands/sync')).syncCommand(),
  run: async () => (await import('./commands/run')).runCommand(),
  demo: async () => (await import('./commands/demo')).demoCommand(),
  escalate: async () => (await import('./commands/escalate')).escalateCommand(),
  mail: async () => (await import('./commands/mail')).mailCommand(),
  templates: async () => (await import('./commands/templates')).templatesCommand(),
  queue: async () => (await import('./commands/queue')).queueCommand(),
  report: async () => (await import('./commands/report')).reportCommand(),
  service: async () => (await import('./commands/service')).serviceCommand(),
};

/**
 * The command a command line names: its first word, when that is one of ours. Anything else (no
 * command, `--help`, `help sync`, a misspelt name that commander will suggest a fix for) gets them all.
 */
export function namedCommand(args: readonly string[]): string | null {
  const first = args[0];
  return first !== undefined && Object.prototype.hasOwnProperty.call(COMMANDS, first) ? first : null;
}

/** The CLI's entry: one file per command under commands/, one error handler for all. `only`: just that one. */
export async function buildProgram(only: string | null = null): Promise<Command> {
  const program = new Command('bxsup')
    .description(
      'bitrix-support-bridge: SLA, escalation, order links and mail beside the native Bitrix support module',
    )
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run bxsup --help for the commands)');
  for (const [name, load] of Object.entries(COMMANDS)) {
    if (only === null || name === only) program.addCommand((await load()).exitOverride());
  }
  return program;
}

/**
 * `bxsup status | head -1`: once the reader has gone, writing more raises EPIPE. Like any Unix tool
 * whose pipe closed, the command ends at once and quietly (no stack trace); whatever it changed so far
 * is crash-safe by design (install journals before it writes, passes commit batch by batch).
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

async function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  try {
    const program = await buildProgram(namedCommand(argv.slice(2)));
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = handleError(err);
  }
}

if (require.main === module) void main(process.argv);
