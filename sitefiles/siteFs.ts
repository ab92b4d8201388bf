import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/**
 * Writing files into a live Bitrix site: never half a file (written beside, then renamed or linked into
 * place), never over a file we did not expect (a new file is linked, which fails if one appeared), with
 * the modes Bitrix itself uses for files it writes, owned like the document root when run as root.
 */
export interface SiteFileModes {
  file: number;
  dir: number;
  /** uid/gid of the document root, applied when bxsup runs as root (else the files are the runner's) */
  owner: { uid: number; gid: number } | null;
}

/**
 * Bitrix writes files with BX_FILE_PERMISSIONS / BX_DIR_PERMISSIONS from dbconn.php (0644 / 0755 when
 * not defined; BitrixVM sets 0664 / 0775). We read the literal octal constants, nothing else.
 */
export function readSiteFileModes(root: string): SiteFileModes {
  let dbconn = '';
  try {
    dbconn = readFileSync(path.join(root, 'bitrix', 'php_interface', 'dbconn.php'), 'latin1');
  } catch {
    // no dbconn.php: Bitrix's defaults
  }
  const constant = (name: string, fallback: number): number => {
    const m = new RegExp(`define\\(\\s*["']${name}["']\\s*,\\s*(0[0-7]{3})\\s*\\)`).exec(dbconn);
    return m ? parseInt(m[1], 8) : fallback;
  };
  const stat = statSync(root);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return {
    file: constant('BX_FILE_PERMISSIONS', 0o644),
    dir: constant('BX_DIR_PERMISSIONS', 0o755),
    owner: asRoot ? { uid: stat.uid, gid: stat.gid } : null,
  };
}

export function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export function fileHash(file: string): string | null {
  try {
    return sha256(readFileSync(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** `replace`: the file is ours (its hash checked by the caller); else it must not exist. */
export function writeFileAtomically(
  file: string,
  content: Buffer,
  modes: SiteFileModes,
  replace: boolean,
): void {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.bxsup-${randomBytes(4).toString('hex')}.tmp`,
  );
  const fd = openSync(tmp, 'wx', modes.file);
  try {
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, modes.file);
    if (modes.owner) chownSync(tmp, modes.owner.uid, modes.owner.gid);
    if (replace) renameSync(tmp, file);
    else linkSync(tmp, file);
  } finally {
    if (existsSync(tmp)) unlinkSync(tmp);
  }
}

/** One folder level, as Bitrix would create it. */
export function createSiteDir(dir: string, modes: SiteFileModes): void {
  mkdirSync(dir);
  chmodSync(dir, modes.dir);
  if (modes.owner) chownSync(dir, modes.owner.uid, modes.owner.gid);
}

/** The folders of `relativeFile` under `root` that do not exist yet, outermost first. */
export function missingDirs(root: string, relativeFile: string): string[] {
  const missing: string[] = [];
  let dir = path.posix.dirname(relativeFile);
  while (dir !== '.' && !existsSync(path.join(root, dir))) {
    missing.unshift(dir);
    dir = path.posix.dirname(dir);
  }
  return missing;
}
