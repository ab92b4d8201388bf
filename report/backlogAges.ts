import { Db } from '../core/db';
import { instantToUtc } from '../core/time';
import { SchemaProbe } from '../queue/schemaProbe';
import { BACKLOG_BINS } from './histogram';
import { HistogramBin } from './reportTypes';

/**
 * Open tickets by age (wall-clock time since creation) as of `now`. The server only counts: each
 * bin's edge is an instant computed here and bound, so "now" is ours, not the server's NOW().
 */
export async function backlogAges(
  db: Db,
  schema: SchemaProbe,
  now: Date,
  siteIds: string[] | undefined,
): Promise<{ total: number; buckets: HistogramBin[] }> {
  const edges = BACKLOG_BINS.filter((b) => b.toMinutes !== null).map((b) =>
    instantToUtc(new Date(now.getTime() - (b.toMinutes as number) * 60_000)),
  );
  // Age < to ⇔ created_at > now − to: the first edge a ticket is newer than is its bin.
  const bucket = `CASE ${edges.map((_, i) => `WHEN t.created_at > ? THEN ${i}`).join(' ')} ELSE ${edges.length} END`;
  const query = db({ t: 'bl_support_ticket' })
    .where('t.is_open', 1)
    .groupByRaw('bin')
    .select<Array<{ bin: number; n: number }>>(db.raw(`${bucket} AS bin`, edges), db.raw('COUNT(*) AS n'));
  if (schema.hasColumn('bl_support_ticket', 'deleted_at')) query.whereNull('t.deleted_at');
  if (siteIds?.length) query.whereIn('t.site_id', siteIds);
  const counts = new Map((await query).map((r) => [Number(r.bin), Number(r.n)]));
  const buckets = BACKLOG_BINS.map((b, i) => ({ ...b, tickets: counts.get(i) ?? 0 }));
  return { total: buckets.reduce((sum, b) => sum + b.tickets, 0), buckets };
}
