import { runCli } from '../helpers/cli';
import { REFERENCE_TIME } from '../helpers/clock';
import { escalationSite, Site } from './agentHarness';

/** `bxsup escalate` as users meet it: usage errors exit 2 with one line; a pass prints what it did. */
describe('bxsup escalate', () => {
  let site: Site;
  beforeAll(async () => {
    site = await escalationSite();
    await site.sync(new Date(REFERENCE_TIME));
  });
  afterAll(async () => {
    await site.t.drop();
  });

  it('needs --once', async () => {
    const result = await runCli(['escalate', '--db', site.t.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'bxsup: bxsup escalate runs a single pass: add --once (the daemon, bxsup run, runs it on escalation.cron)\n',
    );
  });

  it('refuses a --now that is not an ISO-8601 instant', async () => {
    const result = await runCli(['escalate', '--once', '--now', 'yesterday', '--db', site.t.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^bxsup: --now yesterday: give an ISO-8601 instant/);
  });

  it('runs one pass and says what it did; status shows it', async () => {
    const result = await runCli(['escalate', '--once', '--now', REFERENCE_TIME, '--db', site.t.url]);
    expect(result.code).toBe(0);
    // Logs go to stderr (one info line for a pass that did something); the result to stdout.
    expect(result.stderr).not.toMatch(/error|warn/);
    expect(result.stdout).toMatch(
      /^escalation pass: \d+ due ticket\(s\), 0 action\(s\) applied, \d+ recorded without action, 0 failed\n/,
    );
    expect(result.stdout).toContain('install digest queued for the supervisors');
    const status = await runCli(['status', '--db', site.t.url, '--json']);
    const report = JSON.parse(status.stdout) as { escalation: Record<string, unknown> };
    expect(report.escalation).toMatchObject({
      installed: true,
      enabled: true,
      cron: '*/15 * * * *',
      lastPass: expect.objectContaining({ startedAt: REFERENCE_TIME, applied: 0 }),
    });
  });
});
