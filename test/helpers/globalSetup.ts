import { startPrivateServer, ThrowawayServer } from '../../demo/privateServer';

/**
 * Finds the MySQL-compatible server the tests run against, in this order:
 * 1. BXSUP_TEST_DB_URL (a server where the user may create databases and users);
 * 2. a private mariadbd/mysqld started from the system binaries in a temporary directory, as the demo
 *    does (demo/privateServer.ts), stopped and removed by globalTeardown;
 * 3. a throwaway MySQL 8 container through testcontainers, where Docker runs.
 * With none of these, the run fails at once with one line saying what to do: tests never skip silently.
 * The database-restart tests always start private servers of their own, whichever is chosen here.
 */
type Holder = { __bxsupServer?: ThrowawayServer; __bxsupContainer?: { stop(): Promise<unknown> } };

export default async function globalSetup(): Promise<void> {
  if (process.env.BXSUP_TEST_DB_URL) return;
  const holder = globalThis as Holder;
  try {
    const server = await startPrivateServer();
    holder.__bxsupServer = server;
    process.env.BXSUP_TEST_DB_URL = server.url;
    process.stderr.write(
      `\ntests run on a private mariadbd at ${server.url} (set BXSUP_TEST_DB_URL to use a server of your own)\n`,
    );
    return;
  } catch (err) {
    process.stderr.write(`\nno private database server: ${(err as Error).message.split('\n')[0]}\n`);
  }
  try {
    const { MySqlContainer } = await import('@testcontainers/mysql');
    const container = await new MySqlContainer('mysql:8.0').withRootPassword('test').start();
    process.env.BXSUP_TEST_DB_URL = `mysql://root:test@${container.getHost()}:${container.getPort()}`;
    holder.__bxsupContainer = container;
  } catch (err) {
    const reason = String((err as Error).message ?? err).split('\n')[0];
    throw new Error(
      `no test database: install mariadb-server (sh scripts/test-prerequisites.sh does), set BXSUP_TEST_DB_URL=mysql://root@127.0.0.1:3306 (a MySQL/MariaDB server where the user may create databases), or make Docker available for testcontainers (${reason})`,
    );
  }
}
