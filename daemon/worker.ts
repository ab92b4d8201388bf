/** Something the daemon hosts: the sync poller, the mail sender, the escalation agent, the heartbeat. */
export interface DaemonWorker {
  name: string;
  /**
   * Start working. Throws when the worker cannot start at all; calls `fatal` when it finds later that
   * it can never work again (its database user lost a privilege, our tables are gone, the pool is
   * closed): the daemon then stops every worker and exits non-zero, so systemd restarts it instead of
   * keeping a unit "active" that does nothing.
   */
  start(fatal?: (err: unknown) => void): void;
  /** Stop taking new work, let the work in flight finish, then resolve. */
  stop(): Promise<void>;
}
