import { cut, padEnd, padStart, terminalSafe } from '../queue/terminalText';
import { complianceText, localDate, minutesText, percentText } from './reportFormat';
import { DurationStats, GroupStats, Report } from './reportTypes';

/** The report for a terminal: a summary block, then the --by table and the operators. */
export function formatReport(report: Report): string[] {
  const t = report.totals;
  const w = report.window;
  const lastDay = localDate(new Date(w.to.getTime() - 1), w.zone);
  const lines = [
    `Response times ${localDate(w.from, w.zone)} … ${lastDay} (${w.zone}): ${t.tickets} tickets created`,
    `business minutes: ${report.calendar.source} (${report.calendar.timeZone}); percentiles: nearest rank`,
    '',
    `${padEnd('', 24)}${['median', 'p90', 'mean'].map((h) => padStart(h, 9)).join('')}      n`,
    ...durationLines('first reply', t.firstReply),
    ...durationLines('resolution', t.resolution),
    '',
    `SLA first reply    ${complianceText(t.firstReplyCompliance)}`,
    `SLA resolution     ${complianceText(t.resolutionCompliance)}`,
    `breaches           first reply ${t.breaches.firstReply}, resolution ${t.breaches.resolution} (${t.breaches.tickets} tickets)`,
    `escalations        ${escalationText(report)}`,
    `reopen rate        ${percentText(t.reopen.percent)} (${t.reopen.reopened} of ${t.reopen.everResolved} resolved)`,
    `order-linked       ${t.orderLinked}, not linked ${t.notOrderLinked}`,
    `backlog now        ${report.backlog.buckets.map((b) => `${b.label} ${b.tickets}`).join(' · ')} (${report.backlog.total} open)`,
  ];
  if (report.by) lines.push('', `by ${report.by.dimension}`, ...groupTable(report.by.groups));
  lines.push('', 'operators (by current assignee)', ...operatorTable(report));
  return lines;
}

function durationLines(title: string, d: DurationStats): string[] {
  const row = (label: string, s: DurationStats['wall']): string =>
    `${padEnd(label, 24)}${[s.median, s.p90, s.mean].map((v) => padStart(minutesText(v), 9)).join('')}${padStart(String(s.count), 7)}`;
  return [row(`${title}, wall clock`, d.wall), row(`${title}, business`, d.business)];
}

function escalationText(report: Report): string {
  if (report.escalations === null) return 'not installed';
  if (report.escalations.total === 0) return 'none';
  return report.escalations.byLevel.map((l) => `${terminalSafe(l.level)} ${l.total}`).join(', ');
}

function table(header: string[], rows: string[][], widths: number[]): string[] {
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? padEnd(cut(c, widths[0]), widths[0]) : padStart(c, widths[i]))).join('  ');
  return [line(header), ...rows.map(line)];
}

function groupTable(groups: GroupStats[]): string[] {
  const rows = groups.map((g) => [
    terminalSafe(g.label),
    String(g.tickets),
    minutesText(g.firstReply.wall.median),
    minutesText(g.firstReply.wall.p90),
    minutesText(g.resolution.wall.median),
    percentText(g.firstReplyCompliance.percent),
    percentText(g.resolutionCompliance.percent),
    String(g.breaches.tickets),
  ]);
  const header = ['', 'tickets', '1st median', '1st p90', 'res median', '1st SLA', 'res SLA', 'breached'];
  return table(header, rows, [28, 7, 10, 8, 10, 7, 7, 8]);
}

function operatorTable(report: Report): string[] {
  const rows = report.operators.map((o) => [
    terminalSafe(o.name),
    String(o.ticketsHandled),
    String(o.firstReplies),
    minutesText(o.medianFirstReplyMinutes),
    String(o.breaches),
  ]);
  return table(['', 'tickets', '1st replies', '1st median', 'breaches'], rows, [28, 7, 11, 10, 8]);
}
