import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BxsupError } from '../../core/errors';
import { assertConfigFilePrivate, passwordLocation } from '../../service/configPrivacy';

describe('assertConfigFilePrivate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bxsup-privacy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, content: unknown, mode: number): string => {
    const p = path.join(dir, name);
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
    chmodSync(p, mode);
    return p;
  };
  const refusal = (p: string): BxsupError => {
    try {
      assertConfigFilePrivate(p);
    } catch (err) {
      return err as BxsupError;
    }
    throw new Error(`${p} was accepted`);
  };

  it.each([
    ['db.url with a password', { db: { url: 'mysql://bxsup:s3cret@db:3306/site' } }, 'db.url'],
    [
      'mail.smtpUrl with a password',
      { mail: { smtpUrl: 'smtps://user:pa%40ss@smtp.example:465' } },
      'mail.smtpUrl',
    ],
    ['a key named like a password', { escalation: { webhookPassword: 'x' } }, 'escalation.webhookPassword'],
    ['a password deep in a list', { a: [{ b: { SMTP_PASSWORD: 'x' } }] }, 'a.0.b.SMTP_PASSWORD'],
  ])('refuses a world-readable file holding %s: exit 2, says chmod 600', (_what, content, where) => {
    const p = file('bxsup.config.json', content, 0o644);
    const err = refusal(p);
    expect(err).toBeInstanceOf(BxsupError);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(
      `${p} holds a password (${where}) and is readable by other users (mode 644): run chmod 600 ${p}, then start again`,
    );
  });

  it('refuses a group-readable file too', () => {
    const p = file('group.json', { db: { url: 'mysql://u:p@h/d' } }, 0o640);
    expect(refusal(p).message).toMatch(/mode 640\): run chmod 600/);
  });

  it('accepts the same file once it is private (600 or 400)', () => {
    expect(() =>
      assertConfigFilePrivate(file('private.json', { db: { url: 'mysql://u:p@h/d' } }, 0o600)),
    ).not.toThrow();
    expect(() =>
      assertConfigFilePrivate(file('readonly.json', { db: { url: 'mysql://u:p@h/d' } }, 0o400)),
    ).not.toThrow();
  });

  it('accepts a readable file without a password', () => {
    const content = {
      db: { url: 'mysql://bxsup@127.0.0.1:3306/site' },
      mail: { smtpUrl: 'smtp://relay:25' },
      password: '',
    };
    expect(() => assertConfigFilePrivate(file('open.json', content, 0o644))).not.toThrow();
  });

  it('looks into a file that is not JSON, and leaves a missing file to the config loader', () => {
    expect(refusal(file('broken.json', '{ "db": { "url": "mysql://u:secret@h/d" ', 0o644)).message).toMatch(
      /holds a password \(a URL or password key\)/,
    );
    expect(() => assertConfigFilePrivate(path.join(dir, 'missing.json'))).not.toThrow();
    expect(() =>
      assertConfigFilePrivate(file('win.json', { db: { url: 'mysql://u:p@h/d' } }, 0o644), 'win32'),
    ).not.toThrow();
  });

  it('finds passwords where they hide', () => {
    expect(passwordLocation('{"site":{"baseUrl":"https://user:pw@shop.example"}}')).toBe('site.baseUrl');
    expect(passwordLocation('{"db":{"url":"mysql://root@h/d"}}')).toBeNull();
  });
});
