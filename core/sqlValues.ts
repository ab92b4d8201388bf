import { escape } from 'mysql2';
import { instantToUtc } from './time';

/**
 * Literals for multi-row statements written out instead of bound: a 1,000-row upsert has tens of
 * thousands of values, and knex scans and rewrites every placeholder before the driver escapes them
 * again (the driver escapes client-side anyway: a bound value reaches the server as the same literal).
 * Text goes through the driver's own escaping (the session's sql_mode has no NO_BACKSLASH_ESCAPES);
 * numbers and our UTC times hold nothing to escape and are written as they are, without a per-value
 * array or call on the way (a backfill writes millions of them).
 */
export function sqlText(value: string | null): string {
  return value === null ? 'NULL' : escape(value);
}

export function sqlNumber(value: number | null): string {
  if (value === null) return 'NULL';
  if (!Number.isFinite(value)) throw new Error(`not a number for SQL: ${value}`);
  return String(value);
}

/** A UTC DATETIME literal ('YYYY-MM-DD HH:MM:SS': digits and separators only). */
export function sqlTime(value: Date | null): string {
  return value === null ? 'NULL' : `'${instantToUtc(value)}'`;
}

/**
 * A value as JSON text, as a literal. JSON.stringify escapes every control character itself, so of
 * what the driver's escaping handles only the backslash and the single quote can occur: escaping just
 * those gives the driver's literal but for the double quotes it escapes needlessly (and one at a time:
 * a notice's payload took ~10 µs, a batch writes hundreds of them).
 */
export function sqlJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'NULL' : `'${text.replace(JSON_SPECIAL, '\\$&')}'`;
}

const JSON_SPECIAL = /[\\']/g;

/** A cell whose type is known only at run time (a row given as an object): text or number. */
export function sqlValue(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  return typeof value === 'number' ? sqlNumber(value) : escape(value);
}
