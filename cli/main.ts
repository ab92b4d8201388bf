#!/usr/bin/env node
import { Command } from 'commander';
import { VERSION } from '../core/version';
import { handleError } from './handleError';
import { runCommand } from './commands/run';
import { demoCommand } from './commands/demo';
import { escalateCommand } from './commands/escalate';
import { installCommand } from './commands/install';
import { mailCommand } from './commands/mail';
import { statusCommand } from './commands/status';
import { queueCommand } from './commands/queue';
import { reportCommand } from './commands/report';
import { serviceCommand } from './commands/service';
import { templatesCommand } from './commands/templates';
import { syncCommand } from './commands/sync';
import { uninstallCommand } from './commands/uninstall';

/** The CLI's entry: one file per command under commands/, one error handler for all. */
export function buildProgram(): Command {
  const program = new Command('bxsup')
    .description(
      'bitrix-support-bridge: SLA, escalation, order links and mail beside the native Bitrix support module',
    )
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run bxsup --help for the commands)');
  for (const command of [
    installCommand(),
    uninstallCommand(),
    statusCommand(),
    syncCommand(),
    runCommand(),
    demoCommand(),
    escalateCommand(),
    mailCommand(),
    templatesCommand(),
    queueCommand(),
    reportCommand(),
    serviceCommand(),
  ]) {
    program.addCommand(command.exitOverride());
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
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = handleError(err);
  }
}

if (require.main === module) void main(process.argv);
