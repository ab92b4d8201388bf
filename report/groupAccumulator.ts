import { summarise } from './percentiles';
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

/**
 * Counts and samples of one group (all tickets, one category, one week…). Samples are kept only
 * where a group's percentiles are shown: a million-ticket report keeps one copy of each sample for
 * the totals and one for the --by groups, not one per chart.
 */
export class GroupAccumulator {
  tickets = 0;
  private readonly samples: Record<'frWall' | 'frBiz' | 'resWall' | 'resBiz', number[]> | null;
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
    this.samples = keepSamples ? { frWall: [], frBiz: [], resWall: [], resBiz: [] } : null;
  }

  add(n: TicketNumbers): void {
    this.tickets++;
    if (this.samples) {
      if (n.firstReplyWall !== null) this.samples.frWall.push(n.firstReplyWall);
      if (n.firstReplyBusiness !== null) this.samples.frBiz.push(n.firstReplyBusiness);
      if (n.resolutionWall !== null) this.samples.resWall.push(n.resolutionWall);
      if (n.resolutionBusiness !== null) this.samples.resBiz.push(n.resolutionBusiness);
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
    const s = this.samples ?? { frWall: [], frBiz: [], resWall: [], resBiz: [] };
    return {
      key: this.key,
      label: this.label,
      tickets: this.tickets,
      firstReply: { wall: summarise(s.frWall), business: summarise(s.frBiz) },
      resolution: { wall: summarise(s.resWall), business: summarise(s.resBiz) },
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
