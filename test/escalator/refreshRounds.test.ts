import { validateConfig } from '../../config/config';
import { createAgentContext } from '../../escalator/agent/context';
import { refreshStaleSla } from '../../escalator/state/refreshSla';
import { Site } from './agentHarness';
import { BATCH_NOW, batchSite } from './batchHarness';

/**
 * The SLA catch-up over more stale tickets than one round (500): every one refreshed, the next round
 * read while the current one is stored, a limit that ends inside a round, and a round whose store
 * fails ending the call with that error.
 */
const TICKETS = 2_200; // half of them stale (batchSite): three rounds, the last a short one
jest.setTimeout(180_000);

describe('the SLA refresh in rounds', () => {
  let s: Site;
  beforeAll(async () => {
    s = await batchSite(TICKETS);
  });
  afterAll(async () => {
    await s.t.drop();
  });

  const ctx = () =>
    createAgentContext({
      db: s.t.db,
      target: s.t.target,
      logger: s.logger,
      config: validateConfig(s.config),
    });
  /** Stale tickets in the refresh's order: open ones first, then closed ones, each by ID. */
  const staleIds = async () =>
    (
      (await s.t
        .db('bl_support_ticket')
        .where('sla_stale', 1)
        .orderBy([{ column: 'is_open', order: 'desc' }, 'id'])
        .pluck('id')) as number[]
    ).map(Number);
  const staleCount = async (isOpen: number) =>
    Number(
      (await s.t.db('bl_support_ticket').where({ sla_stale: 1, is_open: isOpen }).count({ n: '*' }))[0].n,
    );

  it('refreshes every stale ticket, reading the next round before this one is committed', async () => {
    const stale = await staleIds();
    const [open, closed] = [await staleCount(1), await staleCount(0)];
    expect(open).toBeGreaterThan(1_000);
    const sent: string[] = [];
    const listen = (q: { sql: string }) => sent.push(q.sql);
    s.t.db.on('query', listen);
    const refreshed = await refreshStaleSla(await ctx(), BATCH_NOW, 10_000);
    s.t.db.off('query', listen);
    expect(refreshed).toBe(stale.length);
    expect(await staleIds()).toEqual([]);
    const isStaleRead = (sql: string) => /from `bl_support_ticket` where `sla_stale` = \?/i.test(sql);
    const reads = sent.map((sql, i) => (isStaleRead(sql) ? i : -1)).filter((i) => i >= 0);
    const firstCommit = sent.findIndex((sql) => /^commit/i.test(sql));
    // Rounds of 500 and a short one after them (no read follows a short round), open then closed.
    expect(reads).toHaveLength(Math.floor(open / 500) + 1 + Math.floor(closed / 500) + 1);
    expect(firstCommit).toBeGreaterThan(reads[0]);
    expect(reads[1]).toBeLessThan(firstCommit);
  });

  it('stops at the limit inside a round, with the lowest IDs refreshed', async () => {
    await s.t.db('bl_support_ticket').update({ sla_stale: 1 });
    const stale = await staleIds();
    expect(await refreshStaleSla(await ctx(), BATCH_NOW, 700)).toBe(700);
    expect(await staleIds()).toEqual(stale.slice(700));
  });

  it('a round whose store fails ends the call with its error; the rounds before it stay stored', async () => {
    await s.t.db('bl_support_ticket').update({ sla_stale: 1 });
    const rounds: number[][] = [];
    const failing = refreshStaleSla(await ctx(), BATCH_NOW, 10_000, {
      takeOver: async (computed) => {
        rounds.push(computed.map((c) => c.ticket.id));
        if (rounds.length === 2) throw new Error('simulated store failure');
        return computed;
      },
    });
    await expect(failing).rejects.toThrow('simulated store failure');
    // Two rounds are stored at once: the one after the failing round may have begun beside it (and the
    // call returned once it was done), none later.
    expect(rounds.length === 2 || rounds.length === 3).toBe(true);
    const stale = new Set(await staleIds());
    expect(rounds[0].filter((id) => stale.has(id))).toEqual([]);
    expect(rounds[1].filter((id) => !stale.has(id))).toEqual([]);
    expect((rounds[2] ?? []).filter((id) => stale.has(id))).toEqual([]);
    const handed = new Set(rounds.flat());
    // The rest were not touched.
    const all = Number((await s.t.db('bl_support_ticket').count({ n: '*' }))[0].n);
    expect(stale.size).toBe(all - handed.size + rounds[1].length);
  });
});
