import { BitrixCache } from '../bridge/bitrixCache';
import { Db } from '../core/db';
import { DbTarget } from '../core/dbUrl';
import { SqlRunner } from '../core/sqlRunner';

/** What `bxsup uninstall` and each reverser (mail/install/mailReversers.ts, sitefiles/) are given. */
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
