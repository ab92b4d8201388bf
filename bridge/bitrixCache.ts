import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readBitrixCacheSettings, siteRootOf } from './bitrixSettings';

/**
 * Bitrix caches what bxsup changes behind its back, and only clears those caches when its own PHP API
 * makes the change (read from main 20's code and checked on the real module):
 * - user field metadata (CACHED_b_user_field, 3600 s): CUserTypeEntity::Add/Update/Delete call
 *   $CACHE_MANAGER->CleanDir("b_user_field"), the managed cache folder MYSQL/b_user_field. Until it is
 *   cleared the ticket forms do not show a field we added, and list a field we removed, so dropping its
 *   column breaks every ticket page with "Unknown column";
 * - the mail queue's "nothing to send" flag (CACHED_b_event, 3600 s): CEvent::Send cleans the managed
 *   cache entry "events"; a b_event row written by SQL waits until the flag expires.
 * With the site root known and the file cache (Bitrix's default), bxsup removes exactly those two. For
 * memcache, redis and other engines it cannot reach the cache, and says what to clear instead.
 */
export const BITRIX_CACHE_TTL_SECONDS = 3600;

/** The managed cache's folder for MySQL sites (ManagedCache::getDbType() is 'MYSQL' for mysqli). */
const DB_TYPE_DIR = 'MYSQL';

const ADMIN_CLEAR =
  'clear Bitrix\'s managed cache in the admin area (Settings → System settings → Cache settings, /bitrix/admin/cache.php, "Clear cache" → managed cache)';

export type CacheClear = { cleared: true; what: string } | { cleared: false; advice: string };

export interface BitrixCache {
  /** "files under /var/www/bitrix/managed_cache", "memcache", "unknown (no --bitrix-root)". */
  readonly describe: string;
  /** True when bxsup can clear what it must (site root known, file cache or none). */
  readonly clearable: boolean;
  clearUserFields(options?: { dryRun?: boolean }): CacheClear;
  clearMailQueueFlag(options?: { dryRun?: boolean }): CacheClear;
}

export function bitrixCacheOf(bitrixRoot: string | undefined): BitrixCache {
  if (!bitrixRoot)
    return unreachable(
      'unknown (no --bitrix-root)',
      'the site root is not known (pass --bitrix-root or set db.bitrixRoot)',
    );
  const settings = readBitrixCacheSettings(bitrixRoot);
  if (settings.type === 'none') {
    const nothing: CacheClear = { cleared: true, what: 'nothing (the site caches nothing)' };
    return {
      describe: 'none',
      clearable: true,
      clearUserFields: () => nothing,
      clearMailQueueFlag: () => nothing,
    };
  }
  if (settings.type !== 'files')
    return unreachable(settings.type, `the site caches in ${settings.type}, which bxsup cannot reach`);
  const managed = path.join(siteRootOf(bitrixRoot), settings.personalRoot, 'managed_cache', DB_TYPE_DIR);
  return {
    describe: `files under ${path.dirname(managed)}`,
    clearable: true,
    // Field definitions, and an enumeration's values (CUserFieldEnum caches them apart).
    clearUserFields: (options) =>
      removeAll(
        [path.join(managed, 'b_user_field'), path.join(managed, 'b_user_field_enum')],
        'the user field cache',
        options,
      ),
    clearMailQueueFlag: (options) => remove(managedEntry(managed, 'events'), 'the mail queue flag', options),
  };
}

/** Where the file engine keeps a managed cache entry: <md5[0..2]>/<md5>.php (Cache::getPath). */
function managedEntry(dir: string, uniqueId: string): string {
  const hash = createHash('md5').update(uniqueId).digest('hex');
  return path.join(dir, hash.slice(0, 2), `${hash}.php`);
}

/** Clears each; says what the first is (the others are its companions), or the first failure. */
function removeAll(targets: string[], what: string, options: { dryRun?: boolean } = {}): CacheClear {
  const results = targets.map((t) => remove(t, what, options));
  return results.find((r) => !r.cleared) ?? results[0];
}

function remove(target: string, what: string, options: { dryRun?: boolean } = {}): CacheClear {
  if (options.dryRun) return { cleared: true, what: `${what} (${target})` };
  if (!existsSync(target)) return { cleared: true, what: `${what} (nothing cached)` };
  try {
    rmSync(target, { recursive: true, force: true });
    return { cleared: true, what: `${what} (${target})` };
  } catch (err) {
    return {
      cleared: false,
      advice: `could not remove ${target} (${(err as NodeJS.ErrnoException).code ?? 'error'}): run bxsup as the web server's user, or ${ADMIN_CLEAR}`,
    };
  }
}

function unreachable(describe: string, why: string): BitrixCache {
  const advice = (what: string): CacheClear => ({
    cleared: false,
    advice: `${why}: ${ADMIN_CLEAR} so that ${what}, or wait up to ${BITRIX_CACHE_TTL_SECONDS / 60} minutes`,
  });
  return {
    describe,
    clearable: false,
    clearUserFields: () => advice('the ticket forms show the fields as they are now'),
    clearMailQueueFlag: () => advice('Bitrix sends the mails bxsup queued'),
  };
}
