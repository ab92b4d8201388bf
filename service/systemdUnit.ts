import { BxsupError } from '../core/errors';

export const UNIT_NAME = 'bxsup.service';
/** First line of every unit we write: `service uninstall` only removes a file that starts with it. */
export const UNIT_MARKER = '# Written by bxsup service install';

export interface UnitSpec {
  /** Absolute path of the node binary that runs the daemon. */
  nodePath: string;
  /** Absolute path of dist/cli/main.js. */
  mainJs: string;
  /** Absolute path of the configuration file. */
  configFile: string;
  user: string;
  /** The daemon's working directory: the config file's folder, so relative paths in it resolve there. */
  workingDirectory: string;
  /** Read, never written: the config file, the program, a Bitrix root or templates folder. */
  readOnlyPaths: string[];
  /** Written: the mail folder of the files transport, anything given with --writable. */
  readWritePaths: string[];
}

/**
 * The systemd unit for `bxsup run`. Hardened so a compromised daemon can read what it needs and write
 * almost nothing: ProtectSystem=strict makes the whole file system read-only except ReadWritePaths;
 * ProtectHome=read-only (not yes: the program or config may live under /home); no new privileges,
 * capabilities or devices. Not MemoryDenyWriteExecute: V8's JIT needs writable code pages.
 * Logs go to stderr, which systemd sends to the journal (JSON there, see core/logger.ts), so no log
 * file needs to be writable. Restart=on-failure: exit 2 (bad config) still restarts, but
 * StartLimitBurst stops the loop after 5 tries in 5 minutes.
 */
export function renderUnit(spec: UnitSpec): string {
  for (const p of [
    spec.nodePath,
    spec.mainJs,
    spec.configFile,
    spec.workingDirectory,
    ...spec.readOnlyPaths,
    ...spec.readWritePaths,
  ]) {
    assertUnitSafe(p, 'path');
    if (!p.startsWith('/') && !p.startsWith('-/'))
      throw new BxsupError('USAGE', `${p}: systemd needs an absolute path`);
  }
  assertUnitSafe(spec.user, 'user');
  if (!/^[a-z_][a-z0-9_.-]*\$?$/i.test(spec.user)) {
    throw new BxsupError('USAGE', `--user ${spec.user}: not a valid user name`);
  }
  const exec = [spec.nodePath, spec.mainJs, 'run', '--config', spec.configFile].map(quoteArg).join(' ');
  const lines = [
    UNIT_MARKER,
    '# Remove with: bxsup service uninstall',
    '[Unit]',
    'Description=bitrix-support-bridge daemon (bxsup run): sync, escalation, mail',
    'After=network-online.target mariadb.service mysql.service',
    'Wants=network-online.target',
    'StartLimitIntervalSec=300',
    'StartLimitBurst=5',
    '',
    '[Service]',
    'Type=simple',
    `User=${spec.user}`,
    `WorkingDirectory=${escapePercent(spec.workingDirectory)}`,
    `ExecStart=${exec}`,
    'Environment=NODE_ENV=production',
    'Restart=on-failure',
    'RestartSec=5s',
    'TimeoutStopSec=45s',
    'KillSignal=SIGTERM',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=read-only',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectControlGroups=yes',
    'RestrictSUIDSGID=yes',
    'RestrictRealtime=yes',
    'RestrictNamespaces=yes',
    'LockPersonality=yes',
    'SystemCallArchitectures=native',
    'CapabilityBoundingSet=',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
    'UMask=0077',
    `ReadOnlyPaths=${spec.readOnlyPaths.map(quotePath).join(' ')}`,
    ...(spec.readWritePaths.length ? [`ReadWritePaths=${spec.readWritePaths.map(quotePath).join(' ')}`] : []),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return lines.join('\n');
}

/** No control characters: a newline in a path would inject a directive into the unit. */
function assertUnitSafe(value: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new BxsupError(
      'USAGE',
      `the ${what} ${JSON.stringify(value)} contains a control character: systemd units cannot hold it`,
    );
  }
}

/** `%` starts a systemd specifier (%h, %u…) everywhere in a unit. */
function escapePercent(value: string): string {
  return value.replace(/%/g, '%%');
}

/** Quoted when it holds a space, quote, backslash or semicolon (systemd's C-style quoting). */
function quote(value: string): string {
  const escaped = escapePercent(value);
  return /[\s"'\\;]/.test(escaped) ? `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : escaped;
}

/** ExecStart also expands $VAR: a literal dollar is written $$. */
function quoteArg(value: string): string {
  return quote(value).replace(/\$/g, '$$$$');
}

/** Read*Paths entries: a leading "-" (ignore if missing) stays outside the quotes. */
function quotePath(value: string): string {
  const optional = value.startsWith('-');
  const bare = optional ? value.slice(1) : value;
  return (optional ? '-' : '') + quote(bare);
}
