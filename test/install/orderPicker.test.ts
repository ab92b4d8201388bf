import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBitrixFixture } from '../../fixtures/seed';
import { runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase } from '../helpers/db';
import { dumpDatabase } from '../helpers/dump';
import { makeSite, PhpSite, put } from '../picker/phpSite';

/**
 * `bxsup install --bitrix-root` placing the order picker's files into a site (a throwaway document root
 * with imitation component templates), through the built CLI against a Bitrix-shaped database.
 */
const FORM = 'local/templates/.default/components/bitrix/support.ticket.edit/.default';
const FIELD = 'local/templates/.default/components/bitrix/system.field.edit/bxsup_order';

function filesUnder(root: string, dir: string): string[] {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)))
    .sort();
}

function snapshot(root: string): string {
  return filesUnder(root, '.')
    .map(
      (f) =>
        `${f} ${statSync(path.join(root, f)).mode.toString(8)} ${createHash('sha256')
          .update(readFileSync(path.join(root, f)))
          .digest('hex')}`,
    )
    .join('\n');
}

async function siteFileJournal(
  t: TestDatabase,
): Promise<Array<{ target: string; detail: Record<string, string> }>> {
  const rows = await t.db('bl_support_native_change').where('kind', 'site_file').orderBy('target');
  return rows.map((r) => ({ target: r.target, detail: JSON.parse(r.detail) }));
}

describe('bxsup install places the order picker into the site', () => {
  let t: TestDatabase;
  let site: PhpSite;

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadBitrixFixture(t.db);
    site = makeSite({ place: false });
  });
  afterAll(async () => {
    site?.remove();
    await t.drop();
  });

  it('without a site root, says how to add the picker later', async () => {
    const result = await runCli(['install', '--db', t.url, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /order picker \(customer form\): not placed: no site root given \(add it later with bxsup install --bitrix-root \/path\/to\/site\)/,
    );
  });

  it("a root without the support module's components: the database part installs, the picker is not placed", async () => {
    const bare = mkdtempSync(path.join(os.tmpdir(), 'bxsup-bare-'));
    try {
      mkdirSync(path.join(bare, 'bitrix'));
      const result = await runCli(['install', '--db', t.url, '--bitrix-root', bare, '--dry-run']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        `not placed: ${bare} has no bitrix/components/bitrix/support.ticket.edit`,
      );
      expect(readdirSync(bare)).toEqual(['bitrix']);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('dry run lists the files and writes none', async () => {
    const before = snapshot(site.root);
    const db = await dumpDatabase(t.db);
    const result = await runCli(['install', '--db', t.url, '--bitrix-root', site.root, '--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const file of ['template.php', 'result_modifier.php', 'bxsup_order_picker.php', 'bxsup_wrapped.php'])
      expect(result.stdout).toContain(`would write /${FORM}/${file}`);
    expect(result.stdout).toContain(`would write /${FIELD}/template.php`);
    expect(result.stdout).toMatch(/order picker \(customer form\): would place 8 of 8 files/);
    expect(snapshot(site.root)).toBe(before);
    expect(await dumpDatabase(t.db)).toBe(db);
  });

  it("places them with the site's modes, journaled with their sha256, wrapping the stock template", async () => {
    const result = await runCli(['install', '--db', t.url, '--bitrix-root', site.root, '--yes']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/order picker \(customer form\): placed 8 of 8 files under /);
    const placed = [...filesUnder(site.root, FORM), ...filesUnder(site.root, FIELD)];
    expect(placed).toHaveLength(8);
    const journal = await siteFileJournal(t);
    expect(journal.map((j) => j.target).sort()).toEqual(placed.sort());
    for (const { target, detail } of journal) {
      const bytes = readFileSync(path.join(site.root, target));
      expect(detail.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(detail.root).toBe(site.root);
      expect(statSync(path.join(site.root, target)).mode & 0o777).toBe(0o644);
    }
    expect(statSync(path.join(site.root, 'local')).mode & 0o777).toBe(0o755);
    const dirs = await t.db('bl_support_native_change').where('kind', 'site_dir').pluck('target');
    expect(dirs).toContain('local');
    const wrapped = readFileSync(path.join(site.root, FORM, 'bxsup_wrapped.php'), 'utf8');
    expect(wrapped).toContain(
      "'.default|' => '/bitrix/components/bitrix/support.ticket.edit/templates/.default'",
    );
    expect(wrapped).toContain(
      "'.default|/bitrix/support.ticket/.default' => '/bitrix/components/bitrix/support.ticket/templates/.default/bitrix/support.ticket.edit/.default'",
    );
    // No temporary file left beside them.
    expect(filesUnder(site.root, 'local').filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const status = await runCli(['status', '--db', t.url, '--json'], {
      env: { BXSUP_SMTP_URL: 'smtp://127.0.0.1:2525' },
    });
    const section = JSON.parse(status.stdout).orderPicker;
    expect(section).toMatchObject({ installed: true, intact: true, files: 8, root: site.root });
  });

  it('a second install changes nothing', async () => {
    const before = snapshot(site.root);
    const db = await dumpDatabase(t.db);
    const result = await runCli(['install', '--db', t.url, '--bitrix-root', site.root]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/order picker \(customer form\): in place under /);
    expect(result.stdout).toMatch(/already installed: nothing changed/);
    expect(snapshot(site.root)).toBe(before);
    expect(await dumpDatabase(t.db)).toBe(db);
  });

  it('a site override added later is wrapped on the next install (our generated file rewritten, journal updated)', async () => {
    const override = 'bitrix/templates/.default/components/bitrix/support.ticket.edit/.default';
    put(site.root, `${override}/template.php`, "<?php // the site's own\n");
    const result = await runCli(['install', '--db', t.url, '--bitrix-root', site.root]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/placed 1 of 8 files/);
    const wrapped = readFileSync(path.join(site.root, FORM, 'bxsup_wrapped.php'));
    expect(wrapped.toString()).toContain(`'.default|' => '/${override}'`);
    const entry = (await siteFileJournal(t)).find((j) => j.target === `${FORM}/bxsup_wrapped.php`)!;
    expect(entry.detail.sha256).toBe(createHash('sha256').update(wrapped).digest('hex'));
  });

  it('uninstall removes the files that are unchanged, keeps a changed one and says so', async () => {
    const changed = path.join(site.root, FIELD, 'template.php');
    writeFileSync(changed, `${readFileSync(changed, 'utf8')}<?php // the admin's tweak\n`);
    const status = await runCli(['status', '--db', t.url, '--json'], {
      env: { BXSUP_SMTP_URL: 'smtp://127.0.0.1:2525' },
    });
    const report = JSON.parse(status.stdout);
    expect(report.orderPicker.changed).toEqual([`/${FIELD}/template.php`]);
    expect(report.problems.join('\n')).toContain(`/${FIELD}/template.php was changed after install`);

    const result = await runCli(['uninstall', '--db', t.url, '--bitrix-root', site.root, '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`kept: file ${changed}: changed since bxsup placed it`);
    expect(result.stdout).toContain(`removed: file ${path.join(site.root, FORM, 'template.php')}`);
    expect(filesUnder(site.root, 'local')).toEqual([`${FIELD}/template.php`]);
    // The site's own override and the component templates are untouched.
    expect(
      existsSync(
        path.join(
          site.root,
          'bitrix/templates/.default/components/bitrix/support.ticket.edit/.default/template.php',
        ),
      ),
    ).toBe(true);
    expect(
      existsSync(
        path.join(site.root, 'bitrix/components/bitrix/support.ticket.edit/templates/.default/template.php'),
      ),
    ).toBe(true);
  });

  it('a file of ours changed by the admin is not overwritten by a later install', async () => {
    const result = await runCli(['install', '--db', t.url, '--bitrix-root', site.root]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`/${FIELD}/template.php was changed after bxsup placed it`);
    expect(filesUnder(site.root, FORM)).toEqual([]);
  });
});

describe('the site already overrides the ticket form', () => {
  let t: TestDatabase;
  let site: PhpSite;

  beforeEach(async () => {
    t = await createTestDatabase();
    await loadBitrixFixture(t.db);
    site = makeSite({ place: false });
  });
  afterEach(async () => {
    site?.remove();
    await t.drop();
  });

  it("refuses with one line, before changing anything, when the site's own file is where ours goes", async () => {
    put(site.root, `${FORM}/template.php`, "<?php // the site's own form\n");
    const db = await dumpDatabase(t.db);
    const before = snapshot(site.root);
    const result = await runCli(['install', '--db', t.url, '--bitrix-root', site.root, '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(
      `/${FORM}/template.php is the site's own file, and bxsup never overwrites such a file`,
    );
    expect(result.stderr).toContain('--no-order-picker');
    expect(snapshot(site.root)).toBe(before);
    expect(await dumpDatabase(t.db)).toBe(db);
    // The admin's way out: everything else installs.
    const without = await runCli(['install', '--db', t.url, '--bitrix-root', site.root, '--no-order-picker']);
    expect(without.code).toBe(0);
    expect(without.stdout).toMatch(/order picker \(customer form\): skipped \(--no-order-picker\)/);
    expect(snapshot(site.root)).toBe(before);
  });

  it('refuses an override Bitrix would find before ours, naming where to move it', async () => {
    const hiding =
      'local/templates/.default/components/bitrix/support.ticket/.default/bitrix/support.ticket.edit/.default';
    put(site.root, `${hiding}/template.php`, '<?php // a copied complex template\n');
    const result = await runCli(['install', '--db', t.url, '--bitrix-root', site.root, '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `the site's own template /${hiding} would hide bxsup's bitrix:support.ticket.edit wrapper`,
    );
    expect(result.stderr).toContain(`move it to /${hiding.replace(/^local\//, 'bitrix/')}`);
    expect(filesUnder(site.root, 'local/templates/.default/components/bitrix/support.ticket.edit')).toEqual(
      [],
    );
  });

  it('purge leaves no file or folder of ours', async () => {
    const before = snapshot(site.root);
    expect(
      (await runCli(['install', '--db', t.url, '--bitrix-root', site.root, '--order-page-link'])).code,
    ).toBe(0);
    expect(filesUnder(site.root, 'local').length).toBe(15);
    const result = await runCli(['uninstall', '--db', t.url, '--bitrix-root', site.root, '--purge', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('kept: file');
    expect(existsSync(path.join(site.root, 'local'))).toBe(false);
    expect(snapshot(site.root)).toBe(before);
  });
});
