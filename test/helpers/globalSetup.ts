/**
 * Finds the MySQL-compatible server the tests run against: BXSUP_TEST_DB_URL, else a throwaway MySQL 8
 * container through testcontainers (where Docker is available). With neither, the run fails with one
 * line saying what to set: tests never skip silently.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.BXSUP_TEST_DB_URL) return;
  try {
    const { MySqlContainer } = await import('@testcontainers/mysql');
    const container = await new MySqlContainer('mysql:8.0').withRootPassword('test').start();
    process.env.BXSUP_TEST_DB_URL = `mysql://root:test@${container.getHost()}:${container.getPort()}`;
    (globalThis as { __bxsupContainer?: unknown }).__bxsupContainer = container;
  } catch (err) {
    const reason = String((err as Error).message ?? err).split('\n')[0];
    throw new Error(
      `no test database: set BXSUP_TEST_DB_URL=mysql://root@127.0.0.1:3306 (a MySQL/MariaDB server where the user may create databases), or make Docker available for testcontainers (${reason})`,
    );
  }
}
