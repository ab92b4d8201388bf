import { readFileSync, statSync } from 'node:fs';
import { BxsupError } from '../core/errors';

/**
 * Refuses a configuration file that holds a password and that other users can read: the daemon runs
 * for months, and a world-readable bxsup.config.json with the database password is how a shared host
 * leaks it. Called by `bxsup run` before anything else, and by `bxsup service install`.
 *
 * A password is: db.url or mail.smtpUrl with a password in the URL, or any key whose name contains
 * "password" (any depth, any case) with a non-empty value. A file that is not JSON is searched as text
 * for the same shapes (the config loader will report its syntax). On Windows modes do not apply.
 */
export function assertConfigFilePrivate(file: string, platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32') return;
  let mode: number;
  let text: string;
  try {
    mode = statSync(file).mode;
    text = readFileSync(file, 'utf8');
  } catch {
    return; // Missing or unreadable: the config loader says so with its own message.
  }
  // Readable by the group or by others (r bits 0o040 / 0o004).
  if ((mode & 0o044) === 0) return;
  const where = passwordLocation(text);
  if (!where) return;
  const octal = (mode & 0o777).toString(8).padStart(3, '0');
  throw new BxsupError(
    'CONFIG_INVALID',
    `${file} holds a password (${where}) and is readable by other users (mode ${octal}): run chmod 600 ${file}, then start again`,
  );
}

/** Where the first password is ("db.url", "mail.smtpUrl", "a.b.password"), or null. */
export function passwordLocation(text: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return /:\/\/[^\s:/@"]+:[^\s@/"]+@/.test(text) || /password"?\s*[:=]\s*"?[^\s",}]/i.test(text)
      ? 'a URL or password key'
      : null;
  }
  return findPassword(parsed, []);
}

const URL_KEYS = new Set(['db.url', 'mail.smtpUrl']);

function findPassword(value: unknown, path: string[]): string | null {
  if (value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const at = [...path, key];
    const dotted = at.join('.');
    if (/password/i.test(key) && child !== null && child !== undefined && child !== '') return dotted;
    if (typeof child === 'string' && (URL_KEYS.has(dotted) || /url$/i.test(key)) && urlHasPassword(child)) {
      return dotted;
    }
    const nested = findPassword(child, at);
    if (nested) return nested;
  }
  return null;
}

function urlHasPassword(text: string): boolean {
  try {
    return new URL(text).password !== '';
  } catch {
    return false;
  }
}
