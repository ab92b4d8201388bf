import { countScale, labelStride, tickText } from './chartScale';
import { escapeHtml, num } from './escapeHtml';

export interface Bar {
  label: string;
  value: number;
}

export interface BarChartOptions {
  title: string;
  bars: Bar[];
  /** Y-axis caption, e.g. "tickets". */
  unit: string;
  width?: number;
  height?: number;
  colour?: string;
}

const M = { top: 24, right: 16, bottom: 44, left: 52 };

/**
 * A vertical bar chart of counts as an inline SVG string: fixed width/height and a viewBox (so it has a size
 * without CSS and scales down on narrow screens), round-numbered grid lines, the value above each bar,
 * and a <title> per bar for a tooltip. Labels are escaped: they may come from the database.
 */
export function barChart(options: BarChartOptions): string {
  const { title, bars, unit, width = 640, height = 280, colour = '#2b6cb0' } = options;
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const { max, ticks } = countScale(Math.max(0, ...bars.map((b) => b.value)));
  const slot = plotW / Math.max(1, bars.length);
  const barW = Math.max(2, slot * 0.7);
  const y = (v: number): number => M.top + plotH - (v / max) * plotH;
  const stride = labelStride(bars.length, Math.floor(plotW / 56));
  const grid = ticks
    .map(
      (t) =>
        `<line class="grid" x1="${M.left}" x2="${M.left + plotW}" y1="${num(y(t))}" y2="${num(y(t))}"/>` +
        `<text class="tick" x="${M.left - 6}" y="${num(y(t) + 4)}" text-anchor="end">${tickText(t)}</text>`,
    )
    .join('');
  const rects = bars
    .map((b, i) => {
      const x = M.left + i * slot + (slot - barW) / 2;
      const h = Math.max(0, (b.value / max) * plotH);
      const label = escapeHtml(b.label);
      const caption =
        i % stride === 0
          ? `<text class="label" x="${num(x + barW / 2)}" y="${M.top + plotH + 16}" text-anchor="middle">${label}</text>`
          : '';
      return (
        `<g class="bar"><rect x="${num(x)}" y="${num(y(b.value))}" width="${num(barW)}" height="${num(h)}" fill="${colour}">` +
        `<title>${label}: ${b.value} ${escapeHtml(unit)}</title></rect>` +
        `<text class="value" x="${num(x + barW / 2)}" y="${num(y(b.value) - 4)}" text-anchor="middle">${b.value}</text>` +
        `${caption}</g>`
      );
    })
    .join('');
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>${grid}` +
    `<line class="axis" x1="${M.left}" x2="${M.left + plotW}" y1="${M.top + plotH}" y2="${M.top + plotH}"/>` +
    `<text class="unit" x="${M.left}" y="${M.top - 8}">${escapeHtml(unit)}</text>${rects}</svg>`
  );
}
