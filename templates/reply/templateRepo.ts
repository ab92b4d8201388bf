import { Db } from '../../core/db';
import { BxsupError } from '../../core/errors';
import { instantToUtc } from '../../core/time';
import { assertKnownPlaceholders } from './placeholders';

/**
 * Reply templates in bl_support_templates: one row per (code, language). Every save checks the
 * placeholders first, so an unknown #NAME# never reaches an operator's answer list.
 */
export interface ReplyTemplate {
  code: string;
  language: string;
  title: string;
  body: string;
  active: boolean;
}

const TABLE = 'bl_support_templates';
const CODE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const LANGUAGE = /^[a-z]{2}$/;

export async function listTemplates(db: Db, language?: string): Promise<ReplyTemplate[]> {
  const q = db(TABLE).select('code', 'language', 'title', 'body', 'active').orderBy(['code', 'language']);
  if (language) q.where('language', language);
  const rows = (await q) as Array<{
    code: string;
    language: string;
    title: string;
    body: string;
    active: number;
  }>;
  return rows.map((r) => ({ ...r, active: Number(r.active) === 1 }));
}

export async function getTemplate(db: Db, code: string, language: string): Promise<ReplyTemplate | null> {
  return (await listTemplates(db, language)).find((t) => t.code === code) ?? null;
}

/** bl_support_templates.title is VARCHAR(255); body is TEXT (65,535 bytes), as b_ticket_dictionary.DESCR. */
const TITLE_MAX_CHARS = 255;
const BODY_MAX_BYTES = 65_535;

export function assertValidTemplate(t: ReplyTemplate): void {
  const where = `template ${t.code} (${t.language})`;
  if (!CODE.test(t.code))
    throw new BxsupError(
      'USAGE',
      `template code '${t.code}': use lowercase letters, digits, '_' or '-' (up to 64)`,
    );
  if (!LANGUAGE.test(t.language))
    throw new BxsupError('USAGE', `${where}: the language must be a two-letter code such as ru or en`);
  if (!t.title.trim()) throw new BxsupError('TEMPLATE_INVALID', `${where}: the title is empty`);
  if (!t.body.trim()) throw new BxsupError('TEMPLATE_INVALID', `${where}: the text is empty`);
  // What bl_support_templates and the published answer (b_ticket_dictionary) hold: a limit, not an error
  // from the database.
  const titleLength = Array.from(t.title).length;
  if (titleLength > TITLE_MAX_CHARS)
    throw new BxsupError(
      'TEMPLATE_INVALID',
      `${where}: the title is ${titleLength} characters long; at most ${TITLE_MAX_CHARS}: shorten it`,
    );
  const bodyBytes = Buffer.byteLength(t.body, 'utf8');
  if (bodyBytes > BODY_MAX_BYTES)
    throw new BxsupError(
      'TEMPLATE_INVALID',
      `${where}: the text is ${bodyBytes} bytes long (UTF-8); at most ${BODY_MAX_BYTES}: shorten it`,
    );
  assertKnownPlaceholders(t.title, `${where}, title`);
  assertKnownPlaceholders(t.body, where);
}

export async function addTemplate(db: Db, t: ReplyTemplate, now: Date): Promise<void> {
  assertValidTemplate(t);
  if (await getTemplate(db, t.code, t.language))
    throw new BxsupError(
      'USAGE',
      `template ${t.code} (${t.language}) exists already: use bxsup templates edit`,
    );
  const stamp = instantToUtc(now);
  await db(TABLE).insert({ ...t, active: t.active ? 1 : 0, created_at: stamp, updated_at: stamp });
}

export async function editTemplate(
  db: Db,
  code: string,
  language: string,
  change: Partial<Pick<ReplyTemplate, 'title' | 'body' | 'active'>>,
  now: Date,
): Promise<ReplyTemplate> {
  const current = await getTemplate(db, code, language);
  if (!current)
    throw new BxsupError('NOT_FOUND', `no template ${code} (${language}): see bxsup templates list`);
  const next: ReplyTemplate = { ...current, ...definedOnly(change) };
  assertValidTemplate(next);
  await db(TABLE)
    .where({ code, language })
    .update({
      title: next.title,
      body: next.body,
      active: next.active ? 1 : 0,
      updated_at: instantToUtc(now),
    });
  return next;
}

/** Removes one language of a template, or every language when `language` is not given. */
export async function removeTemplate(db: Db, code: string, language?: string): Promise<number> {
  const q = db(TABLE).where({ code });
  if (language) q.andWhere({ language });
  const removed = Number(await q.delete());
  if (removed === 0)
    throw new BxsupError(
      'NOT_FOUND',
      `no template ${code}${language ? ` (${language})` : ''}: see bxsup templates list`,
    );
  return removed;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
