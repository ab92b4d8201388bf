import { Command } from 'commander';
import { boundHeapGrowth } from '../../core/heapGrowth';
import { connectWithRetry } from '../../daemon/connectWithRetry';
import { startBridgeDaemon } from '../../daemon/bridgeDaemon';
import { assertConfigFilePrivate } from '../../service/configPrivacy';
import { createCliContext, resolveDbTarget } from '../context';
import { addConnectionOptions, ConnectionOptions } from '../connectionOptions';

export function runCommand(): Command {
  return addConnectionOptions(
    new Command('run').description(
      'run the daemon: sync, mail sender, escalation agent (stop with SIGTERM or Ctrl-C)',
    ),
  ).action(async (opts: ConnectionOptions) => {
    boundHeapGrowth();
    const ctx = createCliContext(opts);
    if (ctx.configFile) assertConfigFilePrivate(ctx.configFile);
    const target = resolveDbTarget(opts, ctx.config);
    // The start-up checks only: each worker opens a pool of its own (daemon/dbLoad/daemonPools.ts).
    const db = await connectWithRetry(target, { logger: ctx.logger, poolMax: 2 });
    try {
      const daemon = await startBridgeDaemon({
        db,
        target,
        config: ctx.config,
        logger: ctx.logger,
        clock: ctx.clock,
      });
      // A worker that failed for good stopped the daemon: exit non-zero with its one line.
      const failure = await daemon.stopped;
      if (failure) throw failure;
      return;
    } catch (err) {
      await db.destroy().catch(() => undefined);
      throw err;
    }
  });
}
