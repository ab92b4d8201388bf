import { PassThrough } from 'node:stream';
import { createLogger } from '../../core/logger';
import { maskUrlPasswords } from '../../core/maskSecrets';
import { describeSendError } from '../../mail/mailErrors';

/**
 * One masking function (core/maskSecrets.ts) behind both places a password could leak: a log line
 * (core/logger.ts) and a mail's last_error (mail/mailErrors.ts describeSendError).
 */
const DB_PASSWORD = 'Db-S3cret';
const SMTP_PASSWORD = 'smtp:Pa55/w0rd';
const DB_URL = `mysql://bxsup:${DB_PASSWORD}@db.example:3306/site`;
const SMTP_URL = `smtps://mailer:${SMTP_PASSWORD}@smtp.example:465`;

async function logged(write: (logger: ReturnType<typeof createLogger>) => void): Promise<string> {
  const lines: string[] = [];
  for (const format of ['pretty', 'json'] as const) {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    const logger = createLogger({ stream, format });
    write(logger);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return lines.join('');
}

describe('password masking', () => {
  it('masks the password of every URL in a text, keeping the user and the host', () => {
    expect(maskUrlPasswords(`connect to ${DB_URL} failed, then ${SMTP_URL}`)).toBe(
      'connect to mysql://bxsup:***@db.example:3306/site failed, then smtps://mailer:***@smtp.example:465',
    );
    expect(maskUrlPasswords('mysql://bxsup@db.example/site has no password')).toBe(
      'mysql://bxsup@db.example/site has no password',
    );
  });

  it('never lets a URL password or an SMTP credential reach a log line', async () => {
    const out = await logged((logger) => {
      logger.error(`cannot reach ${DB_URL}`);
      logger.warn('smtp down', {
        smtpUrl: SMTP_URL,
        error: new Error(`connect ECONNREFUSED ${SMTP_URL}`),
        auth: { user: 'mailer', pass: SMTP_PASSWORD },
        nested: { attempts: [{ url: SMTP_URL }] },
      });
      logger.child({ module: 'mail' }).info(`retrying ${SMTP_URL}`);
    });
    expect(out).toMatch(/mysql:\/\/bxsup:\*\*\*@db\.example/);
    expect(out).toMatch(/smtps:\/\/mailer:\*\*\*@smtp\.example/);
    expect(out).not.toContain(DB_PASSWORD);
    expect(out).not.toContain(SMTP_PASSWORD);
    expect(out).not.toContain('Pa55');
  });

  it('never lets one reach an error text (last_error)', () => {
    const texts = [
      describeSendError(Object.assign(new Error(`getaddrinfo ENOTFOUND ${SMTP_URL}`), { code: 'EDNS' })),
      describeSendError({ responseCode: 421, response: `421 4.7.0 try again ${SMTP_URL}` }),
      describeSendError(`failed: ${DB_URL}`),
    ];
    expect(texts[0]).toBe('EDNS: getaddrinfo ENOTFOUND smtps://mailer:***@smtp.example:465');
    for (const text of texts) {
      expect(text).toContain(':***@');
      expect(text).not.toContain(DB_PASSWORD);
      expect(text).not.toContain('Pa55');
    }
  });
});
