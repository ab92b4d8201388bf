import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { BxsupError } from '../core/errors';

/**
 * Who the service runs as: --user, else the user who ran sudo, else the current user. Root is refused
 * unless asked for by name: the daemon needs no privileges, only the database and its config file.
 */
export function serviceUser(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option) return option;
  const user = env.SUDO_USER || os.userInfo().username;
  if (user === 'root') {
    throw new BxsupError(
      'USAGE',
      'the service would run as root: pass --user <name> (e.g. create one: useradd --system --no-create-home bxsup), or --user root if you really mean it',
    );
  }
  return user;
}

/** Hints, not errors: the unit is still written (the user may be created right after). */
export function serviceWarnings(user: string, configFile: string, passwdFile = '/etc/passwd'): string[] {
  const warnings: string[] = [];
  let uid: number | null = null;
  try {
    const entry = readFileSync(passwdFile, 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .find((fields) => fields[0] === user);
    if (entry) uid = Number(entry[2]);
    else
      warnings.push(
        `user ${user} does not exist on this host: create it (useradd --system --no-create-home ${user})`,
      );
  } catch {
    return warnings; // no passwd file to check against (containers, other systems)
  }
  try {
    const st = statSync(configFile);
    if (uid !== null && uid !== 0 && st.uid !== uid && (st.mode & 0o004) === 0) {
      warnings.push(
        `${user} may not be able to read ${configFile}: chown ${user} ${configFile} (keep it chmod 600)`,
      );
    }
  } catch {
    // the caller has already checked the file exists
  }
  return warnings;
}
