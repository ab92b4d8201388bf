import { readSites } from '../bridge/bitrixTables';
import { resolveSiteZone } from '../bridge/siteZone';
import { assertSupportedServer, readServerInfo } from '../bridge/serverInfo';
import { isBxsupError } from '../core/errors';
import { StatusCollector } from './section';

export const databaseSection: StatusCollector = async ({ db, config }) => {
  const info = await readServerInfo(db);
  const problems: string[] = [];
  try {
    assertSupportedServer(info);
  } catch (err) {
    if (isBxsupError(err)) problems.push(err.message);
    else throw err;
  }
  const zone = await resolveSiteZone(db, config.site.timeZone);
  if (zone.warning) problems.push(zone.warning);
  const sites = await readSites(db).catch(() => []);
  return {
    key: 'database',
    data: {
      server: info.version,
      database: info.database,
      charset: info.charset,
      collation: info.collation,
      timeZone: zone.zone,
      timeZoneSource: zone.source,
      skipLocked: info.supportsSkipLocked,
      sites: sites.map((s) => ({ id: s.id, name: s.name, language: s.languageId, serverName: s.serverName })),
    },
    lines: [
      ['server', info.version],
      ['database', `${info.database} (${info.charset}, ${info.collation})`],
      ['time zone', `${zone.zone} (${zone.source})`],
      ['sites', sites.map((s) => `${s.id} ${s.name} [${s.languageId}]`).join(', ') || 'none found'],
    ],
    problems,
  };
};
