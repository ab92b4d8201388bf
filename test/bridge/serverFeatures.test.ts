import { assertSupportedServer, serverFeatures, ServerInfo } from '../../bridge/serverInfo';

/**
 * The releases our SQL chooses by: SKIP LOCKED for the mail claims, window functions for the backfill's
 * server-side ticket copy (MySQL 5.7, which Bitrix still supports, has none: its backfill maps tickets
 * in Node), and the oldest servers bxsup accepts at all.
 */
const v = (flavor: 'mariadb' | 'mysql', major: number, minor: number) => ({ flavor, major, minor });

describe('server features by release', () => {
  it.each([
    [v('mysql', 5, 7), false, false],
    [v('mysql', 8, 0), true, true],
    [v('mariadb', 10, 3), false, true],
    [v('mariadb', 10, 5), false, true],
    [v('mariadb', 10, 6), true, true],
    [v('mariadb', 10, 11), true, true],
    [v('mariadb', 11, 0), true, true],
  ])('%o: skip locked %s, window functions %s', (version, skipLocked, windows) => {
    expect(serverFeatures(version)).toEqual({
      supportsSkipLocked: skipLocked,
      supportsWindowFunctions: windows,
    });
  });

  it.each([
    [v('mysql', 5, 6), false],
    [v('mysql', 5, 7), true],
    [v('mariadb', 10, 2), false],
    [v('mariadb', 10, 3), true],
    [v('mysql', 8, 0), true],
  ])('%o accepted: %s', (version, accepted) => {
    const info = { ...version, version: `${version.major}.${version.minor}.0` } as ServerInfo;
    if (accepted) expect(() => assertSupportedServer(info)).not.toThrow();
    else
      expect(() => assertSupportedServer(info)).toThrow(
        /too old: bxsup needs MySQL 5\.7\+ or MariaDB 10\.3\+/,
      );
  });
});
