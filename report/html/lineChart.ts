import { labelStride, ticks } from './chartScale';
import { escapeHtml, num } from './escapeHtml';

export interface Series {
  name: string;
  colour: string;
  /** One value per x label; null = no data that week (the line breaks there). */
  values: Array<number | null>;
}

export interface LineChartOptions {
  title: string;
  labels: string[];
  series: Series[];
  width?: number;
  height?: number;
}

// The right margin leaves room for the last week's label, centred on the plot's edge.
const M = { top: 32, right: 40, bottom: 44, left: 52 };

/**
 * A percentage line chart (0–100 %) as an inline SVG string: one polyline per run of known values, a
 * dot per value with a <title>, and a legend. Weeks with nothing decided are gaps, not zeros: a quiet
 * week did not breach anything.
 */
export function lineChart(options: LineChartOptions): string {
  const { title, labels, series, width = 640, height = 280 } = options;
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const x = (i: number): number =>
    M.left + (labels.length <= 1 ? plotW / 2 : (i * plotW) / (labels.length - 1));
  const y = (v: number): number => M.top + plotH - (v / 100) * plotH;
  const grid = ticks(100)
    .map(
      (t) =>
        `<line class="grid" x1="${M.left}" x2="${M.left + plotW}" y1="${num(y(t))}" y2="${num(y(t))}"/>` +
        `<text class="tick" x="${M.left - 6}" y="${num(y(t) + 4)}" text-anchor="end">${t}%</text>`,
    )
    .join('');
  const stride = labelStride(labels.length, Math.floor(plotW / 64));
  const xLabels = labels
    .map((l, i) =>
      i % stride === 0
        ? `<text class="label" x="${num(x(i))}" y="${M.top + plotH + 16}" text-anchor="middle">${escapeHtml(l)}</text>`
        : '',
    )
    .join('');
  const lines = series.map((s) => seriesSvg(s, labels, x, y)).join('');
  const legend = series
    .map(
      (s, i) =>
        `<g class="legend"><rect x="${M.left + i * 160}" y="8" width="12" height="12" fill="${s.colour}"/>` +
        `<text x="${M.left + i * 160 + 18}" y="18">${escapeHtml(s.name)}</text></g>`,
    )
    .join('');
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>${grid}` +
    `<line class="axis" x1="${M.left}" x2="${M.left + plotW}" y1="${M.top + plotH}" y2="${M.top + plotH}"/>` +
    `${xLabels}${lines}${legend}</svg>`
  );
}

function seriesSvg(s: Series, labels: string[], x: (i: number) => number, y: (v: number) => number): string {
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  s.values.forEach((v, i) => {
    if (v === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push([i, v]);
  });
  if (run.length) runs.push(run);
  const polylines = runs
    .filter((r) => r.length > 1)
    .map(
      (r) =>
        `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${r.map(([i, v]) => `${num(x(i))},${num(y(v))}`).join(' ')}"/>`,
    )
    .join('');
  const dots = runs
    .flat()
    .map(
      ([i, v]) =>
        `<circle cx="${num(x(i))}" cy="${num(y(v))}" r="3.5" fill="${s.colour}">` +
        `<title>${escapeHtml(s.name)} ${escapeHtml(labels[i])}: ${v.toFixed(1)}%</title></circle>`,
    )
    .join('');
  return `<g class="series">${polylines}${dots}</g>`;
}
