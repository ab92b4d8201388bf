import { Db } from '../../core/db';

/** A Bitrix user as mail needs them: who to greet, where to write, in which language. */
export interface UserFacts {
  id: number;
  login: string;
  /** NAME as entered ('' when empty). */
  firstName: string;
  /** NAME LAST_NAME, else the login. */
  fullName: string;
  email: string | null;
  languageId: string | null;
  active: boolean;
}

export async function loadUsers(db: Db, ids: readonly number[]): Promise<Map<number, UserFacts>> {
  const wanted = [...new Set(ids.filter((id) => Number.isInteger(id) && id > 0))];
  if (wanted.length === 0) return new Map();
  const rows = (await db('b_user')
    .whereIn('ID', wanted)
    .select('ID', 'LOGIN', 'NAME', 'LAST_NAME', 'EMAIL', 'LANGUAGE_ID', 'ACTIVE')) as Array<
    Record<string, string | number | null>
  >;
  return new Map(rows.map((r) => [Number(r.ID), toUser(r)]));
}

/** A b_user row (ID, LOGIN, NAME, LAST_NAME, EMAIL, LANGUAGE_ID, ACTIVE) as UserFacts. */
/** A b_user row (ID, LOGIN, NAME, LAST_NAME, EMAIL, LANGUAGE_ID, ACTIVE) as UserFacts. */
export function toUser(r: Record<string, string | number | null>): UserFacts {
  const first = String(r.NAME ?? '').trim();
  const last = String(r.LAST_NAME ?? '').trim();
  const login = String(r.LOGIN ?? '');
  return {
    id: Number(r.ID),
    login,
    firstName: first,
    fullName: [first, last].filter(Boolean).join(' ') || login,
    email: validEmail(r.EMAIL),
    languageId: r.LANGUAGE_ID ? String(r.LANGUAGE_ID).trim().toLowerCase() || null : null,
    active: r.ACTIVE !== 'N',
  };
}

/**
 * An address we are willing to put in a header: one mailbox, no spaces, brackets, commas or line breaks
 * (Bitrix forms store '' for "none", and OWNER_SID may hold a name instead of an address).
 */
export function validEmail(value: unknown): string | null {
  const text = typeof value === 'string' ? value.trim() : '';
  return /^[^\s@<>()[\]",;:\\]+@[^\s@<>()[\]",;:\\]+\.[^\s@<>()[\]",;:\\]+$/.test(text) ? text : null;
}

/** OWNER_SID of a guest ticket: "guest@example.org", "Name <guest@example.org>" or just a name. */
export function emailInText(value: string | null | undefined): string | null {
  if (!value) return null;
  const bracketed = /<([^<>\s]+)>/.exec(value);
  if (bracketed) return validEmail(bracketed[1]);
  for (const word of value.split(/[\s,;]+/)) {
    const found = validEmail(word);
    if (found) return found;
  }
  return null;
}

/**
 * The name part of a guest's OWNER_SID: the mail gateway writes `"Name" <addr>` (checked on the real
 * module), a form may write `Name <addr>`; a bare address or nothing gives null.
 */
export function guestName(ownerSid: string | null): string | null {
  if (!ownerSid) return null;
  const email = emailInText(ownerSid);
  const name = (email ? ownerSid.replace(email, '') : ownerSid).replace(/[<>"]/g, '').trim();
  return name || null;
}
