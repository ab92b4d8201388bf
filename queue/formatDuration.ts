/**
 * A span of minutes for people: "45m", "3h 05m", "2d 04h"; negative spans (overdue) get a leading "-".
 * Two units at most: an operator scanning a queue needs the size of the number, not its last minute.
 */
export function formatMinutes(minutes: number): string {
  const sign = minutes < 0 ? '-' : '';
  const m = Math.abs(Math.trunc(minutes));
  if (m < 60) return `${sign}${m}m`;
  if (m < 24 * 60) return `${sign}${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
  const days = Math.floor(m / (24 * 60));
  return `${sign}${days}d ${String(Math.floor((m % (24 * 60)) / 60)).padStart(2, '0')}h`;
}
