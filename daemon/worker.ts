/** Something the daemon hosts: the sync poller, the mail sender, the escalation agent, the heartbeat. */
export interface DaemonWorker {
  name: string;
  start(): void;
  /** Stop taking new work, let the work in flight finish, then resolve. */
  stop(): Promise<void>;
}
