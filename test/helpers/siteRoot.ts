import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DbTarget } from '../../core/dbUrl';

/** A site document root in a temporary folder with the given files (relative path → text). */
export function siteRoot(files: Record<string, string>): string {
  const root = mkdtempSync('/tmp/bxsup-site-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/**
 * A Bitrix document root for `target`: bitrix/.settings.php with the connection (and the cache engine,
 * files by default as on a real site), and managed cache entries the way Bitrix's file engine leaves
 * them after a page hit: the user field list under MYSQL/b_user_field and the mail queue's "events" flag.
 */
export function bitrixSite(target: DbTarget, options: { cache?: string } = {}): string {
  const cache = options.cache
    ? `\n  'cache' => array ('value' => array ('type' => '${options.cache}')),`
    : '';
  return siteRoot({
    'bitrix/.settings.php': `<?php
return array (
  'exception_handling' => array ('value' => array ('handled_errors_types' => E_ALL & ~E_NOTICE)),
  'connections' => array ('value' => array ('default' => array (
    'className' => '\\\\Bitrix\\\\Main\\\\DB\\\\MysqliConnection',
    'host' => '${target.host}:${target.port}', 'database' => '${target.database}',
    'login' => '${target.user}', 'password' => '${target.password}', 'options' => 2.0)), 'readonly' => true),${cache}
);
`,
    [userFieldCacheFile()]: cacheFile('a:1:{i:0;a:1:{s:10:"FIELD_NAME";s:11:"UF_ORDER_ID";}}'),
    [mailFlagFile()]: cacheFile('b:1;'),
  });
}

/** The file Bitrix's file engine keeps a managed cache entry in (md5 of its id, under MYSQL/). */
function managedPath(dir: string, id: string): string {
  const hash = createHash('md5').update(id).digest('hex');
  return path.join('bitrix', 'managed_cache', 'MYSQL', dir, hash.slice(0, 2), `${hash}.php`);
}

export function userFieldCacheFile(): string {
  return managedPath('b_user_field', 'b_user_type-list');
}

export function mailFlagFile(): string {
  return managedPath('', 'events');
}

export function cached(root: string, file: string): boolean {
  return existsSync(path.join(root, file));
}

function cacheFile(vars: string): string {
  return `<?\nif($INCLUDE_FROM_CACHE!='Y')return false;\n$ser_content = 'a:2:{s:7:"CONTENT";s:0:"";s:4:"VARS";${vars}}';\nreturn true;\n?>`;
}
