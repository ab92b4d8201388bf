/**
 * Axis helpers shared by the charts: a "nice" maximum (1, 2, 2.5 or 5 times a power of ten) so grid
 * lines fall on round numbers, and the tick values under it.
 */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

export function ticks(max: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, i) => (max * i) / count);
}

/**
 * For counts (tickets): a maximum of at least 4 and a tick count that divides it, so every grid line
 * is a whole number of tickets (never "0.5 tickets").
 */
export function countScale(value: number): { max: number; ticks: number[] } {
  const max = Math.max(4, niceMax(value));
  const count = [4, 5, 2].find((c) => Number.isInteger(max / c)) ?? 4;
  return { max, ticks: ticks(max, count) };
}

/** Every n-th label is shown when there are more than `room` of them, so labels never overlap. */
export function labelStride(labels: number, room: number): number {
  return Math.max(1, Math.ceil(labels / Math.max(1, room)));
}

export function tickText(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
