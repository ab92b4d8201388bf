import { DurationCounts } from './durationCounts';
import { Compliance, GroupStats } from './reportTypes';
import { Outcome } from './slaOutcome';

/** One ticket's numbers, computed once and fed to every group it belongs to. */
export interface TicketNumbers {
  firstReplyWall: number | null;
  firstReplyBusiness: number | null;
  resolutionWall: number | null;
  resolutionBusiness: number | null;
  firstReplyOutcome: Outcome;
  resolutionOutcome: Outcome;
  reopened: boolean;
  everResolved: boolean;
  orderLinked: boolean;
}

class Tally {
  met = 0;
  breached = 0;
  pending = 0;
  add(outcome: Outcome): void {
    if (outcome === 'met') this.met++;
    else if (outcome === 'breached') this.breached++;
    else if (outcome === 'pending') this.pending++;
  }
  result(): Compliance {
    const decided = this.met + this.breached;
    return {
      met: this.met,
      breached: this.breached,
      pending: this.pending,
      percent: decided === 0 ? null : (this.met / decided) * 100,
    };
  }
}

type Series = 'frWall' | 'frBiz' | 'resWall' | 'resBiz';

/**
 * Counts and duration samples of one group (all tickets, one category, one week…). Samples are
 * kept only where a group's percentiles are shown (not per week of the chart), as counts per second
 * (DurationCounts): their memory follows the range of the durations, not the number of tickets.
 */
export class GroupAccumulator {
  tickets = 0;
  private readonly samples: Record<Series, DurationCounts> | null;
  private readonly firstReply = new Tally();
  private readonly resolution = new Tally();
  private firstReplyBreaches = 0;
  private resolutionBreaches = 0;
  private ticketsBreached = 0;
  private reopened = 0;
  private everResolved = 0;
  private orderLinked = 0;

  constructor(
    readonly key: string,
    public label: string,
    keepSamples: boolean,
  ) {
    this.samples = keepSamples ? emptySamples() : null;
  }

  add(n: TicketNumbers): void {
    this.tickets++;
    if (this.samples) {
      if (n.firstReplyWall !== null) this.samples.frWall.add(n.firstReplyWall);
      if (n.firstReplyBusiness !== null) this.samples.frBiz.add(n.firstReplyBusiness);
      if (n.resolutionWall !== null) this.samples.resWall.add(n.resolutionWall);
      if (n.resolutionBusiness !== null) this.samples.resBiz.add(n.resolutionBusiness);
    }
    this.firstReply.add(n.firstReplyOutcome);
    this.resolution.add(n.resolutionOutcome);
    const frBreach = n.firstReplyOutcome === 'breached';
    const resBreach = n.resolutionOutcome === 'breached';
    if (frBreach) this.firstReplyBreaches++;
    if (resBreach) this.resolutionBreaches++;
    if (frBreach || resBreach) this.ticketsBreached++;
    if (n.reopened) this.reopened++;
    if (n.everResolved) this.everResolved++;
    if (n.orderLinked) this.orderLinked++;
  }

  result(): GroupStats {
    const s = this.samples ?? emptySamples();
    return {
      key: this.key,
      label: this.label,
      tickets: this.tickets,
      firstReply: { wall: s.frWall.summary(), business: s.frBiz.summary() },
      resolution: { wall: s.resWall.summary(), business: s.resBiz.summary() },
      firstReplyCompliance: this.firstReply.result(),
      resolutionCompliance: this.resolution.result(),
      breaches: {
        firstReply: this.firstReplyBreaches,
        resolution: this.resolutionBreaches,
        tickets: this.ticketsBreached,
      },
      reopen: {
        reopened: this.reopened,
        everResolved: this.everResolved,
        percent: this.everResolved === 0 ? null : (this.reopened / this.everResolved) * 100,
      },
      orderLinked: this.orderLinked,
      notOrderLinked: this.tickets - this.orderLinked,
    };
  }
}

function emptySamples(): Record<Series, DurationCounts> {
  return {
    frWall: new DurationCounts(),
    frBiz: new DurationCounts(),
    resWall: new DurationCounts(),
    resBiz: new DurationCounts(),
  };
}
