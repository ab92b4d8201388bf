import { bitrixCacheOf } from '../bridge/bitrixCache';
import { existingTables } from '../bridge/bitrixTables';
import { MAIL_EVENT_TYPES } from '../mail/eventTypes';
import { StatusCollector } from './section';

/**
 * Mails bxsup handed to Bitrix's queue (mail.transport "bitrix") that Bitrix then did not send: the
 * outbox says 'sent' once the b_event row is written, so only b_event tells. SUCCESS_EXEC '0': no active
 * template of the row's site and language; 'F': sending failed; 'E': an exception while sending;
 * 'P': sent to some recipients only.
 */
const MEANING: Record<string, { what: string; short: string; fix: string }> = {
  '0': {
    what: 'found no template',
    short: 'without a template',
    fix: 'check that the SUPPORT_* templates in Settings → Mail events are active and bound to the site (bxsup install adds them)',
  },
  F: {
    what: 'failed to send',
    short: 'failed',
    fix: "check the site's mail settings (Settings → System settings → Mail)",
  },
  E: { what: 'stopped with an error', short: 'with an error', fix: "see Bitrix's error log" },
  P: { what: 'reached only some recipients', short: 'partly sent', fix: "check the recipients' addresses" },
};

export const bitrixMailSection: StatusCollector = async ({ db, config }) => {
  if (!(await existingTables(db, ['b_event'])).has('b_event'))
    return { key: 'bitrixMail', data: {}, lines: [], problems: [] };
  const rows = (await db('b_event')
    .whereIn('EVENT_NAME', MAIL_EVENT_TYPES)
    .whereIn('SUCCESS_EXEC', Object.keys(MEANING))
    .groupBy('SUCCESS_EXEC')
    .select('SUCCESS_EXEC as state', db.raw('COUNT(*) AS n'), db.raw('MAX(ID) AS last'))) as Array<{
    state: string;
    n: number;
    last: number;
  }>;
  const problems = rows.map(
    (r) =>
      `${Number(r.n)} bxsup mail(s) in b_event that Bitrix ${MEANING[r.state].what} (SUCCESS_EXEC '${r.state}', newest b_event ID ${r.last}): ${MEANING[r.state].fix}`,
  );
  const warnings: string[] = [];
  const lines: Array<[string, string]> = [];
  if (config.mail.transport === 'bitrix') {
    const cache = bitrixCacheOf(config.db.bitrixRoot);
    lines.push([
      'bitrix mail queue',
      cache.clearable ? `flag cleared on each mail (${cache.describe})` : `not cleared (${cache.describe})`,
    ]);
    if (!cache.clearable)
      warnings.push(
        'mail.transport is bitrix but bxsup cannot clear Bitrix\'s "queue is empty" flag: mails may wait up to an hour in b_event; set db.bitrixRoot (with the file cache), or use mail.transport smtp',
      );
  }
  if (rows.length)
    lines.push([
      'bitrix mail failures',
      rows.map((r) => `${r.n} ${MEANING[r.state].short} ('${r.state}')`).join(', '),
    ]);
  return {
    key: 'bitrixMail',
    data: { unsent: Object.fromEntries(rows.map((r) => [r.state, Number(r.n)])) },
    lines,
    problems,
    warnings,
  };
};
