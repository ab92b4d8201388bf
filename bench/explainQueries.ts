import { Knex } from 'knex';
import { Db } from '../core/db';
import { rawRows } from '../core/rawRows';

/**
 * What a piece of work sends to the server, and whether any of it scans a whole big table: every
 * SELECT is EXPLAINed (on MariaDB an UPDATE/DELETE too) and a step of type ALL on one of `tables` is a
 * full scan. Small lookup tables (sites, dictionaries, rights) may be read whole.
 */
export interface SentQuery {
  sql: string;
  bindings: readonly Knex.Value[];
}

export function captureQueries(db: Db): { queries: SentQuery[]; stop: () => void } {
  const queries: SentQuery[] = [];
  const listener = (q: { sql: string; bindings?: readonly Knex.Value[] }) =>
    queries.push({ sql: q.sql, bindings: q.bindings ?? [] });
  db.on('query', listener);
  return { queries, stop: () => void db.off('query', listener) };
}

export async function fullScans(
  db: Db,
  queries: readonly SentQuery[],
  tables: readonly string[],
): Promise<string[]> {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const q of queries) {
    if (
      !/^\s*(select|update|delete)\b/i.test(q.sql) ||
      /information_schema|GET_LOCK|RELEASE_LOCK/i.test(q.sql)
    )
      continue;
    const shape = q.sql.replace(/\s+/g, ' ');
    if (seen.has(shape)) continue;
    seen.add(shape);
    const aliases = new Map<string, string>();
    for (const m of q.sql.matchAll(/`?\b((?:bl|b)_[a-z0-9_]+)`?(?:\s+as\s+`?(\w+)`?)?/gi))
      aliases.set(m[2] ?? m[1], m[1]);
    const plan = await rawRows<{ table: string | null; type: string | null }>(
      db,
      `EXPLAIN ${q.sql}`,
      q.bindings,
    );
    for (const step of plan) {
      const table = step.table ? (aliases.get(step.table) ?? step.table) : null;
      if (table && tables.includes(table) && step.type === 'ALL')
        problems.push(`${table}: full scan in ${shape.slice(0, 200)}`);
    }
  }
  return problems;
}

/** The tables that grow with the site: none of them may be read whole by a pass. */
export const BIG_TABLES = [
  'bl_support_ticket',
  'bl_support_message',
  'bl_support_ticket_event',
  'bl_support_escalation',
  'bl_support_outbox',
  'bl_support_webhook_delivery',
  'b_ticket',
  'b_ticket_message',
  'b_uts_support',
];
