import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateConfig } from '../../config/config';
import { collectStatus } from '../../status/collectStatus';
import { serviceSection } from '../../status/serviceSection';
import { REFERENCE_TIME } from '../helpers/clock';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { installedSite } from '../helpers/installedSite';
import { insertTickets } from '../helpers/mirroredTickets';

describe('status: the service section', () => {
  let t: TestDatabase;
  let units: string;
  const previous = process.env.BXSUP_SYSTEMD_DIR;

  beforeAll(async () => {
    t = await installedSite({ emptyMirror: true });
    await insertTickets(t.db, [
      {
        id: 1,
        created_at: '2024-03-12 06:00:00',
        first_reply_deadline: '2024-03-12 07:00:00',
        assigned_to: 2,
      },
      { id: 2, created_at: '2024-03-12 06:00:00', first_reply_deadline: '2024-03-12 09:00:00' },
    ]);
    units = mkdtempSync(path.join(os.tmpdir(), 'bxsup-units-'));
    process.env.BXSUP_SYSTEMD_DIR = units;
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.BXSUP_SYSTEMD_DIR;
    else process.env.BXSUP_SYSTEMD_DIR = previous;
    rmSync(units, { recursive: true, force: true });
    await t.drop();
  });

  it('shows the unit, the metrics endpoint and the queue, and is never a problem', async () => {
    const now = new Date(REFERENCE_TIME);
    let section = await serviceSection({ db: t.db, config: validateConfig({}), now });
    expect(section.problems).toEqual([]);
    expect(section.data).toEqual({
      unit: { file: path.join(units, 'bxsup.service'), installed: false },
      metrics: { enabled: false, url: null },
      queue: { open: 2, overdue: 1, unassigned: 1 },
    });
    expect(section.lines).toEqual([
      ['service', 'no systemd unit on this host (bxsup service install)'],
      ['metrics', 'off (set metrics.port)'],
      ['queue', '2 open, 1 overdue, 1 unassigned (bxsup queue)'],
    ]);

    writeFileSync(path.join(units, 'bxsup.service'), '# Written by bxsup service install\n');
    section = await serviceSection({ db: t.db, config: validateConfig({ metrics: { port: 9464 } }), now });
    expect(section.lines.slice(0, 2)).toEqual([
      ['service', `systemd unit ${path.join(units, 'bxsup.service')}`],
      ['metrics', 'http://127.0.0.1:9464/metrics and /healthz'],
    ]);
  });

  it('is part of bxsup status', async () => {
    const report = await collectStatus({
      db: t.db,
      config: validateConfig({}),
      now: new Date(REFERENCE_TIME),
    });
    expect(report.sections.map((s) => s.key)).toContain('service');
  });

  it('says "not installed" on a database without our tables', async () => {
    const empty = await createTestDatabase();
    try {
      const section = await serviceSection({
        db: empty.db,
        config: validateConfig({}),
        now: new Date(REFERENCE_TIME),
      });
      expect(section.data.queue).toBeNull();
      expect(section.lines[2]).toEqual(['queue', 'not installed']);
    } finally {
      await empty.drop();
    }
  });
});
