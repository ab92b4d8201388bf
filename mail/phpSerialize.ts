/**
 * PHP's serialize() of a string-keyed array of strings, with each string's length counted in the bytes
 * the target column stores. PHP's unserialize() reads exactly that many bytes: a UTF-8 length over a
 * cp1251 column (one byte a letter there) breaks it, and Bitrix then silently never sends the mail.
 * The text must already fit the charset (mail/nativeText.ts fitToCharset): in a single-byte charset
 * every character is then one byte.
 */
const SINGLE_BYTE = new Set(['cp1251', 'latin1', 'cp1252', 'koi8r', 'koi8u', 'cp866', 'ascii']);

export function byteLengthIn(text: string, charset: string | null): number {
  const cs = (charset ?? 'utf8mb4').toLowerCase();
  if (SINGLE_BYTE.has(cs)) return Array.from(text).length;
  return Buffer.byteLength(text, 'utf8');
}

export function serializeStringMap(fields: Readonly<Record<string, string>>, charset: string | null): string {
  const str = (s: string) => `s:${byteLengthIn(s, charset)}:"${s}";`;
  const entries = Object.entries(fields);
  return `a:${entries.length}:{${entries.map(([k, v]) => str(k) + str(v)).join('')}}`;
}
