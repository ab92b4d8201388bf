import { formatMinutes } from '../queue/formatDuration';
import { Compliance } from './reportTypes';

/** Shared number formatting of the text, CSV and HTML outputs, so the three always agree. */
export function minutesText(minutes: number | null): string {
  return minutes === null ? '—' : formatMinutes(Math.round(minutes));
}

export function percentText(percent: number | null): string {
  return percent === null ? '—' : `${percent.toFixed(1)}%`;
}

export function complianceText(c: Compliance): string {
  const pending = c.pending ? `, ${c.pending} pending` : '';
  return `${percentText(c.percent)} (${c.met} met, ${c.breached} breached${pending})`;
}

/** Two decimals for machine outputs: enough for minutes, free of float noise. */
export function round2(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}

/** Local date of an instant in the report's zone, YYYY-MM-DD. */
export function localDate(at: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}
