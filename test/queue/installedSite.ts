import { loadBitrixFixture } from '../../fixtures/seed';
import { Db } from '../../core/db';
import { runInstall } from '../../schema/install';
import { executingRunner } from '../../schema/sqlRunner';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { REFERENCE_TIME } from '../helpers/clock';

/**
 * A Bitrix-shaped database with bxsup installed by the real installer (every migration that has
 * landed, so the queue and report meet the real bl_support_ticket), and no mirrored tickets: each test
 * inserts the bl_support_ticket rows it reasons about, with hand-picked times.
 */
export async function installedSite(): Promise<TestDatabase> {
  const t = await createTestDatabase();
  await loadBitrixFixture(t.db);
  await runInstall(
    {
      db: t.db,
      target: t.target,
      runner: executingRunner(t.db),
      now: new Date(REFERENCE_TIME),
      onStep: () => undefined,
    },
    { dryRun: false, seedDictionaries: false },
  );
  await t.db('bl_support_ticket').delete();
  return t;
}

/** A bl_support_ticket row; times are UTC 'YYYY-MM-DD HH:MM:SS' (or Dates). Unset columns get defaults. */
export interface TicketSpec {
  id: number;
  created_at: string | Date;
  [column: string]: unknown;
}

const utc = (v: unknown): unknown => (v instanceof Date ? v.toISOString().slice(0, 19).replace('T', ' ') : v);

export async function insertTickets(db: Db, specs: TicketSpec[]): Promise<void> {
  const rows = specs.map((spec) => {
    const row: Record<string, unknown> = {
      number: `SUP-T-${String(spec.id).padStart(4, '0')}`,
      site_id: 's1',
      subject: `Ticket ${spec.id}`,
      priority: 2,
      status: 'open',
      is_open: 1,
      reopen_count: 0,
      updated_at: spec.created_at,
    };
    for (const [k, v] of Object.entries(spec)) row[k] = v;
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, utc(v)]));
  });
  await db('bl_support_ticket').insert(rows);
}
