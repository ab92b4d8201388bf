import { localDate, percentText } from '../reportFormat';
import { Report } from '../reportTypes';
import { barChart } from './barChart';
import { escapeHtml } from './escapeHtml';
import { REPORT_CSS } from './htmlStyles';
import { durationTable, escalationTable, groupTable, operatorTable } from './htmlTables';
import { lineChart } from './lineChart';

/**
 * The report as ONE self-contained HTML file: inline CSS, inline SVG charts generated here, no script,
 * font, image or stylesheet to fetch. The Content-Security-Policy says so to the browser too, so a
 * file opened from a mail attachment or a shared drive can neither call home nor run anything.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function htmlReport(report: Report): string {
  const t = report.totals;
  const w = report.window;
  const period = `${localDate(w.from, w.zone)} … ${localDate(new Date(w.to.getTime() - 1), w.zone)}`;
  const compliance = lineChart({
    title: 'SLA compliance by week',
    labels: report.weekly.map((p) => p.label),
    series: [
      {
        name: 'first reply',
        colour: '#2b6cb0',
        values: report.weekly.map((p) => p.firstReplyCompliance.percent),
      },
      {
        name: 'resolution',
        colour: '#c05621',
        values: report.weekly.map((p) => p.resolutionCompliance.percent),
      },
    ],
  });
  const distribution = barChart({
    title: 'First-reply time distribution (business time)',
    unit: 'tickets',
    bars: report.firstReplyDistribution.map((b) => ({ label: b.label, value: b.tickets })),
  });
  const backlog = barChart({
    title: 'Open tickets by age',
    unit: 'tickets',
    colour: '#c05621',
    bars: report.backlog.buckets.map((b) => ({ label: b.label, value: b.tickets })),
  });
  const kpi = (label: string, value: string, detail = ''): string =>
    `<div><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}${detail ? `<small>${escapeHtml(detail)}</small>` : ''}</dd></div>`;
  const sla = (c: Report['totals']['firstReplyCompliance']): [string, string] => [
    percentText(c.percent),
    `${c.met} met, ${c.breached} breached${c.pending ? `, ${c.pending} pending` : ''}`,
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bxsup report ${escapeHtml(period)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<h1>Support response times</h1>
<p class="meta">Tickets created ${escapeHtml(period)} (${escapeHtml(w.zone)}) · business time: ${escapeHtml(report.calendar.source)} (${escapeHtml(report.calendar.timeZone)}) · generated ${escapeHtml(report.generatedAt.toISOString())}</p>
<dl class="kpi">
${kpi('tickets', String(t.tickets))}
${kpi('first-reply SLA', ...sla(t.firstReplyCompliance))}
${kpi('resolution SLA', ...sla(t.resolutionCompliance))}
${kpi('tickets with a breach', String(t.breaches.tickets))}
${kpi('reopen rate', percentText(t.reopen.percent), `${t.reopen.reopened} of ${t.reopen.everResolved} resolved`)}
${kpi('order-linked', `${t.orderLinked} of ${t.tickets}`)}
${kpi('open now', String(report.backlog.total))}
</dl>
<h2>Response and resolution times</h2>
<section class="card">${durationTable(report)}
<p class="meta">Median and p90 by the nearest-rank method: the value at rank ⌈p·n⌉ of the sorted times (for an even count the median is the lower middle value).</p></section>
<div class="charts">
<section class="card" id="compliance"><h2>SLA compliance over time</h2>${compliance}</section>
<section class="card" id="first-reply"><h2>First-reply times</h2>${distribution}</section>
<section class="card" id="backlog"><h2>Backlog by age</h2>${backlog}</section>
<section class="card" id="escalations"><h2>Escalations</h2>${escalationTable(report)}</section>
</div>
${report.by ? `<h2>By ${escapeHtml(report.by.dimension)}</h2><section class="card scroll">${groupTable(report.by.dimension, report.by.groups)}</section>` : ''}
<h2>Operators</h2>
<section class="card" id="operators">${operatorTable(report.operators)}</section>
<footer>bitrix-support-bridge · self-contained report: no scripts, no network</footer>
</main>
</body>
</html>
`;
}
