import { runCli } from './helpers/cli';
import { serverTarget } from './helpers/db';
import { formatDbUrl } from '../core/dbUrl';

/** README.md promises `npm run demo`: it must run to the end and show what the bridge did. */
describe('bxsup demo', () => {
  it('installs, runs the daemon, and shows numbers, order links, mails and an escalation', async () => {
    const server = formatDbUrl({ ...serverTarget(), database: '' }).replace(/\/$/, '');
    const result = await runCli(['demo'], { env: { BXSUP_DB_URL: server } });
    expect(result.stderr).not.toMatch(/^bxsup: /m);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/mirrored the 11 existing tickets silently .* outbox 0 rows/);
    expect(out).toMatch(
      /bridge: SUP-\d{8}-\d{4} · high priority · open · order 2024-0042 linked \(found in the title\)/,
    );
    expect(out).toMatch(/mail: {3}SUPPORT_TICKET_CREATED → Мария Иванова <maria\.ivanova@example\.ru>/);
    expect(out).toMatch(/native reply now reads: "Мария, заказ 2024-0042 в пути, трек-номер 1234567890/);
    expect(out).toMatch(/mail: {3}none \(nothing the customer needs to hear about\)/);
    expect(out).toMatch(/SUPPORT_TICKET_CLOSED → Мария Иванова/);
    expect(out).toMatch(/escalation pass: \d+ due ticket\(s\), [1-9]\d* action\(s\) applied/);
    expect(out).toMatch(/criticality now "High"; log line: .*first reply deadline missed/);
    expect(out).toMatch(/\n {2}healthy\n/);
    // The shop is dated relative to now: its queue shows tickets hours or days overdue, never years.
    const queue = out.slice(out.indexOf('$ bxsup queue'), out.indexOf('$ bxsup status'));
    const overdueDays = [...queue.matchAll(/ -(\d+)d \d+h$/gm)].map((m) => Number(m[1]));
    expect(overdueDays.length).toBeGreaterThan(0);
    expect(Math.max(...overdueDays)).toBeLessThan(15);
  }, 120000);
});
