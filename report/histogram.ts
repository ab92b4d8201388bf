import { HistogramBin } from './reportTypes';

/** Bin edges in minutes; the last bin is open-ended. */
export interface BinSpec {
  label: string;
  fromMinutes: number;
  toMinutes: number | null;
}

/** First-reply times: the scale an SLA of one hour to one day is read on. */
export const FIRST_REPLY_BINS: BinSpec[] = [
  { label: '<15m', fromMinutes: 0, toMinutes: 15 },
  { label: '15–30m', fromMinutes: 15, toMinutes: 30 },
  { label: '30m–1h', fromMinutes: 30, toMinutes: 60 },
  { label: '1–2h', fromMinutes: 60, toMinutes: 120 },
  { label: '2–4h', fromMinutes: 120, toMinutes: 240 },
  { label: '4–8h', fromMinutes: 240, toMinutes: 480 },
  { label: '8–24h', fromMinutes: 480, toMinutes: 1440 },
  { label: '1–2d', fromMinutes: 1440, toMinutes: 2880 },
  { label: '≥2d', fromMinutes: 2880, toMinutes: null },
];

/** Ages of open tickets. */
export const BACKLOG_BINS: BinSpec[] = [
  { label: '<1d', fromMinutes: 0, toMinutes: 1440 },
  { label: '1–3d', fromMinutes: 1440, toMinutes: 3 * 1440 },
  { label: '3–7d', fromMinutes: 3 * 1440, toMinutes: 7 * 1440 },
  { label: '7–14d', fromMinutes: 7 * 1440, toMinutes: 14 * 1440 },
  { label: '14–30d', fromMinutes: 14 * 1440, toMinutes: 30 * 1440 },
  { label: '≥30d', fromMinutes: 30 * 1440, toMinutes: null },
];

/** Counts per bin; a value lands in the bin with from ≤ value < to. */
export class Histogram {
  private readonly counts: number[];
  constructor(private readonly bins: BinSpec[]) {
    this.counts = bins.map(() => 0);
  }
  add(minutes: number): void {
    for (let i = 0; i < this.bins.length; i++) {
      const to = this.bins[i].toMinutes;
      if (to === null || minutes < to) {
        this.counts[i]++;
        return;
      }
    }
  }
  result(): HistogramBin[] {
    return this.bins.map((b, i) => ({ ...b, tickets: this.counts[i] }));
  }
}
