/**
 * SUP-YYYYMMDD-NNNN: the site-local creation day and the ticket's place that day. Four digits are a
 * minimum, not a limit: the 10,000th ticket of a day is SUP-20240312-10000 (the column holds 20).
 */
export function formatTicketNumber(day: string, seq: number): string {
  return `SUP-${day}-${String(seq).padStart(4, '0')}`;
}

/** formatTicketNumber as SQL, over a day expression ('YYYYMMDD') and a sequence expression. */
export function ticketNumberSql(day: string, seq: string): string {
  return `CONCAT('SUP-', ${day}, '-', LPAD(${seq}, GREATEST(4, CHAR_LENGTH(${seq})), '0'))`;
}

/**
 * Assigns numbers to new tickets given, per day, the last sequence reserved for this batch: tickets of a
 * day get the reserved range in ID order, so numbers follow creation order within a day.
 */
export function assignNumbers(
  tickets: Array<{ id: number; day: string }>,
  lastReserved: Map<string, number>,
): Map<number, string> {
  const byDay = new Map<string, number[]>();
  for (const t of [...tickets].sort((a, b) => a.id - b.id)) {
    const ids = byDay.get(t.day);
    if (ids) ids.push(t.id);
    else byDay.set(t.day, [t.id]);
  }
  const numbers = new Map<number, string>();
  for (const [day, ids] of byDay) {
    const last = lastReserved.get(day);
    if (last === undefined) throw new Error(`no ticket numbers reserved for ${day}`);
    const first = last - ids.length + 1;
    ids.forEach((id, i) => numbers.set(id, formatTicketNumber(day, first + i)));
  }
  return numbers;
}

export function countByDay(tickets: Array<{ day: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tickets) counts.set(t.day, (counts.get(t.day) ?? 0) + 1);
  return counts;
}
