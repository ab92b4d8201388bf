import { DateTime, IANAZone } from 'luxon';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * The local week (Monday) an instant falls in, for a zone. Asking luxon for each of a million tickets
 * costs seconds, so the zone's UTC offset is cached per UTC hour (offsets change on hour boundaries in
 * every real zone) and the week is plain day arithmetic: day 0 (1970-01-01) was a Thursday.
 */
export class LocalWeeks {
  private readonly zone: IANAZone;
  private readonly offsets = new Map<number, number>();
  private readonly labels = new Map<number, { weekStart: string; label: string }>();

  constructor(zoneName: string) {
    this.zone = IANAZone.create(zoneName);
  }

  /** The local day number (days since 1970-01-01 on the local calendar) of the week's Monday. */
  mondayOf(ms: number): number {
    const hour = Math.floor(ms / HOUR_MS);
    let offsetMin = this.offsets.get(hour);
    if (offsetMin === undefined) {
      offsetMin = this.zone.offset(hour * HOUR_MS);
      this.offsets.set(hour, offsetMin);
    }
    const localDay = Math.floor((ms + offsetMin * 60_000) / DAY_MS);
    return localDay - ((localDay + 3) % 7);
  }

  /** YYYY-MM-DD of that Monday and its ISO week label (2024-W11). */
  describe(monday: number): { weekStart: string; label: string } {
    const cached = this.labels.get(monday);
    if (cached) return cached;
    const date = DateTime.fromMillis(monday * DAY_MS, { zone: 'UTC' });
    const out = {
      weekStart: date.toISODate() ?? '',
      label: `${date.weekYear}-W${String(date.weekNumber).padStart(2, '0')}`,
    };
    this.labels.set(monday, out);
    return out;
  }
}
