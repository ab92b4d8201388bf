import { DeliveryResult } from '../webhooks/deliver';

/** What one ticket's escalation did (escalateTicket.ts, or its batch in escalateBatch.ts). */
export interface TicketEscalation {
  applied: number;
  recorded: number;
  /** The levels applied, for the daemon's bxsup_escalations_fired_total. */
  fired: AppliedLevel[];
}

export interface AppliedLevel {
  level: string;
  target: string;
}

/** What one escalation pass did (runEscalationPass in pass.ts; its parts in processDue.ts fill it). */
export interface PassResult {
  ran: boolean;
  refreshed: number;
  distributed: number;
  /** Tickets whose points were examined. */
  examined: number;
  applied: number;
  /** Each applied level with its target (committed: a rolled-back ticket is not in it). */
  fired: AppliedLevel[];
  /** Points recorded without action: already overdue at install, or a warning overtaken by its breach. */
  recorded: number;
  failed: number;
  digest: boolean;
  /** Filled by runEscalationPass; the daemon's worker delivers them on its own (daemon/escalationWorker.ts). */
  webhooks: DeliveryResult;
  durationMs: number;
  /** The UF_SLA_STATE list check stopped at the row budget: a pass soon goes on with it (slaStateList.ts). */
  listCheckPending: boolean;
}

export interface PassHooks {
  /** Called after each ticket's escalation committed (tests stop a pass half-way from here). */
  onTicket?: (ticketId: number, done: TicketEscalation) => void | Promise<void>;
}

/** A result with nothing done yet (also for callers of its parts, such as runDuePoints). */
export function emptyPassResult(): PassResult {
  return {
    ran: true,
    refreshed: 0,
    distributed: 0,
    examined: 0,
    applied: 0,
    fired: [],
    recorded: 0,
    failed: 0,
    digest: false,
    webhooks: { sent: 0, retrying: 0, failed: 0 },
    durationMs: 0,
    listCheckPending: false,
  };
}
