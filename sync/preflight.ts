import { Db } from '../core/db';
import { BxsupError } from '../core/errors';
import { CODE_SCHEMA_VERSION } from '../schema/migrations';
import { assertSchemaNotNewer, VERSION_TABLE } from '../schema/migrator';
import { BASELINE_CURSORS, readCursors, readCursorsAndVersion } from '../store/cursors';
import { orNothingIfMissing } from '../store/missingTable';

/**
 * Before a pass: our schema must be installed at this code's version, and the installer's history
 * baseline must be there. Without it every old ticket would look new and be mailed, so the sync
 * refuses rather than guess.
 */
export interface HistoryBaseline {
  /** Tickets and messages with IDs up to these existed at install: mirrored without events. */
  ticketId: number;
  messageId: number;
  /** Closes before this instant are history too. */
  installedAt: Date;
}

/**
 * Returns the baseline and, read in the same query with the schema version, the current values of
 * `alsoRead` (the sync's own cursors: an idle poll should not spend a round trip per cursor).
 */
export async function checkInstalled(
  db: Db,
  alsoRead: string[] = [],
): Promise<{ baseline: HistoryBaseline; cursors: Map<string, number> }> {
  const names = [BASELINE_CURSORS.ticket, BASELINE_CURSORS.message, BASELINE_CURSORS.installedAt];
  const read = await versionAndCursors(db, [...names, ...alsoRead]);
  // Anything but an installed, current schema: the checks below, one at a time, say what is wrong.
  const { installed, cursors } =
    read && read.installed === CODE_SCHEMA_VERSION ? read : await checkedApart(db, [...names, ...alsoRead]);
  if (installed === 0) {
    throw new BxsupError(
      'SCHEMA_NOT_INSTALLED',
      'bxsup is not installed in this database: run bxsup install first',
    );
  }
  if (installed < CODE_SCHEMA_VERSION) {
    throw new BxsupError(
      'SCHEMA_NOT_INSTALLED',
      `the database has bxsup schema version ${installed}, older than this bxsup (${CODE_SCHEMA_VERSION}): run bxsup install first`,
    );
  }
  const missing = names.filter((n) => !cursors.has(n));
  if (missing.length > 0) {
    throw new BxsupError(
      'SCHEMA_NOT_INSTALLED',
      `the history baseline (${missing.join(', ')}) is missing, so old tickets cannot be told from new ones: run bxsup install first`,
    );
  }
  return {
    baseline: {
      ticketId: cursors.get(BASELINE_CURSORS.ticket)!,
      messageId: cursors.get(BASELINE_CURSORS.message)!,
      installedAt: new Date(cursors.get(BASELINE_CURSORS.installedAt)!),
    },
    cursors,
  };
}

/**
 * The schema version and the cursors in one statement (an idle poll runs this every 2 s); null when a
 * table is missing, for checkedApart to explain.
 */
function versionAndCursors(
  db: Db,
  names: string[],
): Promise<{ installed: number; cursors: Map<string, number> } | null> {
  return orNothingIfMissing(readCursorsAndVersion(db, names, VERSION_TABLE));
}

/** The schema checked first (a missing or newer schema has its own message), then the cursors read. */
async function checkedApart(
  db: Db,
  names: string[],
): Promise<{ installed: number; cursors: Map<string, number> }> {
  const installed = await assertSchemaNotNewer(db);
  if (installed < CODE_SCHEMA_VERSION) return { installed, cursors: new Map() };
  return { installed, cursors: await readCursors(db, names) };
}
