import { tableExists } from '../schema/migrator';
import { listSetAside, SET_ASIDE_TABLE } from '../store/setAside';
import { StatusCollector } from './section';

/** Tickets the sync set aside (store/setAside.ts): not mirrored as they are, until their data is fixed. */
export const setAsideSection: StatusCollector = async ({ db }) => {
  if (!(await tableExists(db, SET_ASIDE_TABLE))) {
    return { key: 'setAside', data: { total: 0, tickets: [] }, lines: [], problems: [] };
  }
  const { total, rows } = await listSetAside(db, 5);
  const shown = rows.map(
    (r) => `#${r.ticketId} (${r.phase}${r.messageId ? `, message ${r.messageId}` : ''}: ${r.reason})`,
  );
  return {
    key: 'setAside',
    data: { total, tickets: rows },
    lines: [
      [
        'set aside',
        total === 0 ? 'none' : `${total} ticket(s): ${shown.join('; ')}${total > rows.length ? '; …' : ''}`,
      ],
    ],
    problems:
      total === 0
        ? []
        : [
            `${total} ticket(s) set aside by the sync because their data cannot be processed (${shown.join('; ')}): the log has the details; each reconciliation cycle tries them again, and bxsup sync --once --reconcile tries them now`,
          ],
  };
};
