import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDb } from '../core/db';
import { BxsupError } from '../core/errors';

/** A MySQL-compatible server for the demo and the benchmarks, and how to be rid of it afterwards. */
export interface ThrowawayServer {
  /** mysql://user@host:port (no database). */
  url: string;
  origin: 'BXSUP_DB_URL' | 'BXSUP_TEST_DB_URL' | 'private mariadbd' | 'testcontainers';
  stop(): Promise<void>;
}

const SERVER_BINARIES = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld', '/usr/bin/mariadbd', '/usr/bin/mysqld'];
const INSTALL_DB = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db', '/usr/bin/mysqld'];

/**
 * The server named by BXSUP_DB_URL (or BXSUP_TEST_DB_URL) if there is one; else a private mariadbd/mysqld
 * started from the system binaries in a temporary directory; else a testcontainers MySQL where Docker
 * runs. With none of these, a one-line error says what to set.
 */
export async function throwawayServer(
  env: NodeJS.ProcessEnv = process.env,
  options: PrivateServerOptions = {},
): Promise<ThrowawayServer> {
  for (const name of ['BXSUP_DB_URL', 'BXSUP_TEST_DB_URL'] as const) {
    const value = env[name];
    if (value) {
      const url = new URL(value);
      url.pathname = '';
      return { url: url.toString().replace(/\/$/, ''), origin: name, stop: async () => undefined };
    }
  }
  const binary = SERVER_BINARIES.find((p) => existsSync(p));
  if (binary) return startPrivateServer(binary, options);
  try {
    const { MySqlContainer } = await import('@testcontainers/mysql');
    const container = await new MySqlContainer('mysql:8.0').withRootPassword('demo').start();
    return {
      url: `mysql://root:demo@${container.getHost()}:${container.getPort()}`,
      origin: 'testcontainers',
      stop: async () => void (await container.stop()),
    };
  } catch {
    throw new BxsupError(
      'DB_UNREACHABLE',
      'no database server for the demo: set BXSUP_DB_URL=mysql://root@127.0.0.1:3306 (a user that may create databases), install mariadb-server, or make Docker available',
    );
  }
}

/** A private server of our own: it can be stopped and started again on the same data (tests restart it). */
export interface PrivateServer extends ThrowawayServer {
  port: number;
  /** Stops the server process, keeping its data directory. */
  halt(): Promise<void>;
  /** Starts it again on the same port and data. */
  resume(): Promise<void>;
}

/** How a private server differs from the binary's defaults (a server named by a URL is taken as it is). */
export interface PrivateServerOptions {
  /** innodb_buffer_pool_size in MiB (the default is 128). */
  bufferPoolMb?: number;
}

export async function startPrivateServer(
  binary = SERVER_BINARIES.find((p) => existsSync(p)),
  options: PrivateServerOptions = {},
): Promise<PrivateServer> {
  if (!binary)
    throw new BxsupError(
      'WORK_FAILED',
      'no mariadbd or mysqld binary on this machine: install mariadb-server',
    );
  const dir = mkdtempSync(path.join(tmpdir(), 'bxsup-mariadb-'));
  const datadir = path.join(dir, 'data');
  // A tmpdir of its own: a server cleans the temporary-table files in its tmpdir when it starts, and
  // in the shared /tmp those belong to the other servers on the machine (their sessions' temporary
  // tables vanish: "Error on delete of '/tmp/#sql-temptable-…'").
  const scratch = path.join(dir, 'tmp');
  mkdirSync(scratch);
  const installer = INSTALL_DB.find((p) => existsSync(p) && !p.endsWith('mysqld'));
  const init = installer
    ? spawnSync(
        installer,
        [
          '--no-defaults',
          `--datadir=${datadir}`,
          '--user=root',
          '--auth-root-authentication-method=normal',
          '--skip-test-db',
          `--tmpdir=${scratch}`,
        ],
        { encoding: 'utf8' },
      )
    : spawnSync(
        binary,
        [
          '--no-defaults',
          '--initialize-insecure',
          `--datadir=${datadir}`,
          `--tmpdir=${scratch}`,
          '--user=root',
        ],
        {
          encoding: 'utf8',
        },
      );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new BxsupError(
      'WORK_FAILED',
      `cannot initialise a private database server: ${(init.stderr || init.stdout).split('\n')[0]}`,
    );
  }
  const port = await freePort();
  let child: ChildProcess | null = null;

  const resume = async (): Promise<void> => {
    const proc = spawn(
      binary,
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--socket=${path.join(dir, 'mysqld.sock')}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        '--user=root',
        '--skip-log-bin',
        `--pid-file=${path.join(dir, 'mysqld.pid')}`,
        `--tmpdir=${scratch}`,
        ...(options.bufferPoolMb ? [`--innodb-buffer-pool-size=${options.bufferPoolMb}M`] : []),
      ],
      { stdio: 'ignore' },
    );
    child = proc;
    for (let i = 0; i < 120 && proc.exitCode === null; i++) {
      const probe = openDb(
        { host: '127.0.0.1', port, user: 'root', password: '', database: '' },
        { poolMax: 1 },
      );
      try {
        await probe.raw('SELECT 1');
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 250));
      } finally {
        await probe.destroy();
      }
    }
    throw new BxsupError('WORK_FAILED', `the private database server (${binary}) did not start within 30 s`);
  };
  const halt = async (): Promise<void> => {
    const proc = child;
    if (proc && proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((resolve) => proc.once('exit', resolve));
    }
  };
  try {
    await resume();
  } catch (err) {
    await halt();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `mysql://root@127.0.0.1:${port}`,
    origin: 'private mariadbd',
    port,
    halt,
    resume,
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
