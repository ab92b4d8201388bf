import { Config } from '../config/config';
import { Db } from '../core/db';
import { resolveSiteZone } from '../bridge/siteZone';
import { probeSchema } from '../queue/schemaProbe';
import { ESCALATION_TABLE } from '../store/escalations';
import { backlogAges } from './backlogAges';
import { escalationCounts } from './escalationCounts';
import { operatorLabel, operatorNames, siteNames } from './labels';
import { ReportAggregator } from './reportAggregator';
import { reportCalendar } from './reportCalendar';
import { Report, ReportDimension } from './reportTypes';
import { parseReportWindow } from './reportWindow';
import { forEachTicketFact } from './ticketFacts';

export interface ReportDeps {
  db: Db;
  config: Config;
  /** Read once by the caller: deadlines still running are judged against it, backlog ages too. */
  now: Date;
}

export interface ReportOptions {
  from?: string;
  to?: string;
  by?: ReportDimension;
  siteIds?: string[];
}

/**
 * The response-time report: one streamed pass over the window's tickets (ticketFacts → aggregator),
 * then the small queries (backlog, escalations, names). "Collect" only: printing is elsewhere.
 */
export async function buildReport(deps: ReportDeps, options: ReportOptions): Promise<Report> {
  const { db, config, now } = deps;
  const schema = await probeSchema(db, ['bl_support_ticket', ESCALATION_TABLE, 'b_user', 'b_lang']);
  const zone = (await resolveSiteZone(db, config.site.timeZone)).zone;
  const window = parseReportWindow(options, zone, now);
  const cal = await reportCalendar(db, config, zone);
  const aggregator = new ReportAggregator(cal.calendar, window, now.getTime(), options.by ?? null);
  await forEachTicketFact(db, schema, window, options.siteIds, (fact) => aggregator.add(fact));
  const result = aggregator.finish();

  const operatorIds = [...result.operators.keys()].filter((id): id is number => id !== null);
  const names = await operatorNames(db, schema, operatorIds);
  if (options.by === 'operator' && result.groups) {
    for (const g of result.groups) g.label = operatorLabel(g.key === 'none' ? null : Number(g.key), names);
  }
  if (options.by === 'site' && result.groups) {
    const sites = await siteNames(db, schema);
    for (const g of result.groups) g.label = sites.get(g.key) ?? g.key;
  }
  const operators = [...result.operators.values()]
    .map((o) => ({ ...o, name: operatorLabel(o.operatorId, names) }))
    .sort((a, b) => b.ticketsHandled - a.ticketsHandled || a.name.localeCompare(b.name));

  return {
    generatedAt: now,
    window,
    calendar: { source: cal.source, timeZone: cal.timeZone },
    percentileMethod: 'nearest-rank',
    totals: result.totals,
    by: options.by && result.groups ? { dimension: options.by, groups: result.groups } : null,
    weekly: result.weekly,
    firstReplyDistribution: result.firstReplyDistribution,
    backlog: { asOf: now, ...(await backlogAges(db, schema, now, options.siteIds)) },
    escalations: schema.hasTable(ESCALATION_TABLE) ? await summariseEscalations(db, window) : null,
    operators,
  };
}

async function summariseEscalations(
  db: Db,
  window: Report['window'],
): Promise<NonNullable<Report['escalations']>> {
  const byLevel = await escalationCounts(db, window);
  return { total: byLevel.reduce((sum, l) => sum + l.total, 0), byLevel };
}
