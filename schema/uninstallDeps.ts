import { BitrixCache } from '../bridge/bitrixCache';
import { Db } from '../core/db';
import { DbTarget } from '../core/dbUrl';
import { SqlRunner } from '../core/sqlRunner';
import type { NativeChange, NativeChangeKind } from '../store/nativeChanges';

/**
 * What `bxsup uninstall` and each reverser (schema/uninstall.ts, mail/install/mailReversers.ts,
 * sitefiles/) are given. A file of its own so that a reverser can name these types without importing
 * the uninstaller.
 */
export interface UninstallDeps {
  db: Db;
  target: DbTarget;
  runner: SqlRunner;
  /** Bitrix's caches of the site (bridge/bitrixCache.ts): a column goes only once no cache lists its field. */
  cache: BitrixCache;
  now: Date;
  /** The site's document root, for the files install placed (else the root recorded at install). */
  siteRoot?: string | null;
}

export interface UninstallOptions {
  purge: boolean;
}

/**
 * How to undo one kind of native change. A reverser either undoes it and returns what it removed, or
 * keeps it (customer data, or something Bitrix rows now depend on) and returns why; `pending` keeps the
 * change in the journal for a later run.
 */
export type Reverser = (
  deps: UninstallDeps,
  change: NativeChange,
  options: UninstallOptions,
) => Promise<{ removed?: string; kept?: string; pending?: boolean }>;

/** The reversers by kind: a kind with none is kept and reported (a newer bxsup's change). */
export type Reversers = Partial<Record<NativeChangeKind, Reverser>>;
