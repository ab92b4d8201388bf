import { Knex } from 'knex';
import { Db } from '../core/db';

/**
 * Text written into native columns must fit their charset. Most Bitrix sites use `utf8` (utf8mb3, three
 * bytes at most): a 4-byte character such as an emoji makes a strict insert fail and a non-strict one cut
 * the text at that point. Old sites use cp1251. We connect as utf8mb4, so the server converts for us;
 * what the column cannot hold is replaced here, before the write (and before PHP-serializing, whose
 * byte lengths must match what is stored).
 */
export async function columnCharset(
  db: Db | Knex.Transaction,
  table: string,
  column: string,
): Promise<string | null> {
  const row = (await db('information_schema.COLUMNS')
    .where({ TABLE_SCHEMA: db.raw('DATABASE()'), TABLE_NAME: table, COLUMN_NAME: column })
    .first('CHARACTER_SET_NAME')) as { CHARACTER_SET_NAME: string | null } | undefined;
  return row?.CHARACTER_SET_NAME ?? null;
}

const SINGLE_BYTE: Record<string, string> = { cp1251: 'windows-1251', latin1: 'windows-1252' };
const representable = new Map<string, Set<string>>();

/** `text` with every character `charset` cannot store replaced (U+FFFD in utf8mb3, '?' in 8-bit sets). */
export function fitToCharset(text: string, charset: string | null): string {
  const cs = (charset ?? '').toLowerCase();
  if (cs === 'utf8' || cs === 'utf8mb3') return text.replace(/[\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
  const encoding = SINGLE_BYTE[cs];
  if (!encoding) return text;
  const allowed = singleByteRepertoire(encoding);
  return Array.from(text, (ch) => (allowed.has(ch) ? ch : '?')).join('');
}

/** The characters of an 8-bit code page, found by decoding its 256 bytes (computed once per code page). */
function singleByteRepertoire(encoding: string): Set<string> {
  let set = representable.get(encoding);
  if (!set) {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    set = new Set(Array.from(new TextDecoder(encoding).decode(bytes)));
    set.delete('\uFFFD');
    representable.set(encoding, set);
  }
  return set;
}
