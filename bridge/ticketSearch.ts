import { Knex } from 'knex';
import { newStemmer, Stemmer } from 'snowball-stemmers';
import { existingTables } from './bitrixTables';
import { columnCharset, fitToCharset } from './nativeText';

/**
 * The support module's own search index, b_ticket_search(TICKET_ID, SEARCH_WORD): the stemmed,
 * upper-case words of a ticket's title and its visible, non-log messages, kept only while the module's
 * option SEARCH_VERSION is '12.0.3' (CSupportSearch::isIndexExists). The admin list's search looks words
 * up there, stemmed the same way. When bxsup fills placeholders in a message in place, the index must
 * hold the filled words (an order or tracking number an operator then searches for), so the ticket's
 * index is written again as the module's indexTicket writes it.
 *
 * Words: the text without markup, upper case (ru: Ё as Е), split at anything not a letter or digit,
 * at most 50 characters, stemmed with the Snowball stemmer of the site's language (the module's stemmers
 * follow the same algorithms: checked on the real module for the words of a ticket; words of another
 * script pass through unchanged there as here). Words of one character are left out, and on English
 * sites the search module's stop words (checked on the real module: a ticket's index there and here
 * are the same words). The Russian stop list was not in the checked installation: Russian sites may get
 * a few extra rows for such words, which only makes a search find what it would find anyway.
 */
type Db = Knex | Knex.Transaction;

export const SEARCH_INDEX_VERSION = '12.0.3';

export async function searchIndexEnabled(db: Db): Promise<boolean> {
  if (!(await existingTables(db as Knex, ['b_ticket_search'])).has('b_ticket_search')) return false;
  const option = (await db('b_option')
    .where({ MODULE_ID: 'support', NAME: 'SEARCH_VERSION' })
    .first('VALUE')) as { VALUE: string | null } | undefined;
  return option?.VALUE === SEARCH_INDEX_VERSION;
}

/** Stems the search module leaves out of an English index (compared as stems, upper case). */
const STOP_STEMS: Record<string, ReadonlySet<string>> = {
  en: new Set('A AND ARE BE BY FOR GIF HTTP IMG IN IS IT OF OFF ON QUOTE RU THE WAS WITH WWW'.split(' ')),
};

const stemmers = new Map<string, Stemmer>();

function stemmerFor(language: string): Stemmer {
  const name = language === 'ru' ? 'russian' : 'english';
  let stemmer = stemmers.get(name);
  if (!stemmer) {
    stemmer = newStemmer(name);
    stemmers.set(name, stemmer);
  }
  return stemmer;
}

/** The index words of a text, in first-seen order. */
export function searchWords(text: string, language: string): string[] {
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&(?:amp|lt|gt|quot|#\d+);/gi, ' ');
  const upper = language === 'ru' ? plain.toUpperCase().replace(/Ё/g, 'Е') : plain.toUpperCase();
  const stemmer = stemmerFor(language);
  const stop = STOP_STEMS[language === 'ru' ? 'ru' : 'en'];
  const words = new Set<string>();
  // Each distinct word is stemmed once: a long message repeats its words (a 17 MB reply has a handful).
  const seen = new Set<string>();
  for (const raw of upper.split(/[^\p{L}\p{N}_]+/u)) {
    if (raw.length < 2 || seen.has(raw)) continue;
    seen.add(raw);
    const word = Array.from(raw).slice(0, 50).join('');
    if (Array.from(word).length < 2) continue;
    const stem = stemmer.stem(word.toLowerCase()).toUpperCase().slice(0, 70);
    if (Array.from(stem).length >= 2 && !stop?.has(stem)) words.add(stem);
  }
  return [...words];
}

/** The ticket's index written again from its title and visible messages, as the module would. */
export async function reindexTicket(trx: Knex.Transaction, ticketId: number): Promise<void> {
  const ticket = (await trx('b_ticket as t')
    .leftJoin('b_lang as l', 'l.LID', 't.SITE_ID')
    .where('t.ID', ticketId)
    .first('t.TITLE', 'l.LANGUAGE_ID')) as { TITLE: string; LANGUAGE_ID: string | null } | undefined;
  if (!ticket) return;
  const messages = (await trx('b_ticket_message')
    .where({ TICKET_ID: ticketId, IS_LOG: 'N', IS_HIDDEN: 'N' })
    .orderBy('ID')
    .pluck('MESSAGE')) as Array<string | null>;
  const text = [ticket.TITLE, ...messages.map((m) => m ?? '')].join(' ');
  const charset = await columnCharset(trx, 'b_ticket_search', 'SEARCH_WORD');
  // What the column's charset cannot hold (an emoji in utf8mb3, a Latin letter in cp1251 is fine) is
  // fitted first, as everything bxsup writes into native columns.
  const words = [
    ...new Set(
      searchWords(text, String(ticket.LANGUAGE_ID ?? 'en').toLowerCase()).map((w) =>
        fitToCharset(w, charset),
      ),
    ),
  ];
  await trx('b_ticket_search').where('TICKET_ID', ticketId).delete();
  if (words.length > 0)
    await trx('b_ticket_search').insert(words.map((w) => ({ TICKET_ID: ticketId, SEARCH_WORD: w })));
}
