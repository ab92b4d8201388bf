import winston from 'winston';
import { maskUrlPasswords } from './maskSecrets';

export type Logger = winston.Logger;

export interface LoggerOptions {
  level?: string;
  format?: 'auto' | 'pretty' | 'json';
  /** Where logs go; stderr, so that stdout carries command output (tables, --json). */
  stream?: NodeJS.WritableStream;
}

const SECRET_KEYS = /pass(word)?|secret|token|smtpUrl|credentials|auth/i;

/** Masks passwords in values and in URLs anywhere in a log record: secrets are never logged. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskUrlPasswords(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return redact(value.message, depth + 1);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.test(k) && v ? '***' : redact(v, depth + 1);
  }
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    (info as Record<string, unknown>)[key] = SECRET_KEYS.test(key) && info[key] ? '***' : redact(info[key]);
  }
  return info;
});

/** systemd sets JOURNAL_STREAM / INVOCATION_ID for its services: there we log JSON for the journal. */
function underSystemd(): boolean {
  return Boolean(process.env.JOURNAL_STREAM || process.env.INVOCATION_ID);
}

const pretty = winston.format.printf((info) => {
  const { level, message, timestamp, module, ...rest } = info as Record<string, unknown>;
  const extra = Object.entries(rest)
    .filter(([k]) => typeof k === 'string' && !k.startsWith('Symbol'))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(timestamp)} ${String(level)}${module ? ` [${String(module)}]` : ''} ${String(message)}${extra ? ` ${extra}` : ''}`;
});

/** The one logger factory; modules take `logger.child({ module: 'sync' })`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'auto';
  const json = format === 'json' || (format === 'auto' && underSystemd());
  return winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(
      redactFormat(),
      winston.format.timestamp(),
      json ? winston.format.json() : pretty,
    ),
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stderr })],
  });
}

/** A logger that drops everything, for library callers and tests that do not read logs. */
export function silentLogger(): Logger {
  return winston.createLogger({
    silent: true,
    transports: [new winston.transports.Console({ silent: true })],
  });
}
