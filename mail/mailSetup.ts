import { hostname } from 'node:os';
import { Clock } from '../core/clock';
import { Config } from '../config/config';
import { Db } from '../core/db';
import { Logger } from '../core/logger';
import { readServerInfo } from '../bridge/serverInfo';
import { resolveSiteZone } from '../bridge/siteZone';
import { MailTemplates } from '../templates/mailTemplates';
import { MailEvents } from './mailEvents';
import { createSendHealth } from './sendHealth';
import { MailDeps } from './mailDeps';
import { createMailTransport } from './transports/createTransport';
import { MailTransport } from './transports/transport';

export interface MailSetupInput {
  db: Db;
  config: Pick<Config, 'site' | 'mail'> & { db?: Config['db'] };
  logger: Logger;
  clock: Clock;
  events?: MailEvents;
  /** Default "host:pid". */
  instanceId?: string;
  /** Default: the one mail.transport names. */
  transport?: MailTransport;
}

/**
 * Wires the mail sender's dependencies once, for the daemon and for `bxsup mail`: the claim strategy
 * from the server version, the site's zone, the templates (mail.templatesDir or ours) and the transport.
 */
export async function createMailDeps(input: MailSetupInput): Promise<MailDeps> {
  const { db, config } = input;
  const [server, zone] = await Promise.all([readServerInfo(db), resolveSiteZone(db, config.site.timeZone)]);
  const logger = input.logger.child({ module: 'mail' });
  return {
    db,
    config,
    logger,
    health: createSendHealth(logger),
    clock: input.clock,
    events: input.events,
    instanceId: input.instanceId ?? `${hostname()}:${process.pid}`,
    skipLocked: server.supportsSkipLocked,
    zone: zone.zone,
    templates: new MailTemplates(config.mail.templatesDir),
    transport:
      input.transport ??
      createMailTransport(config.mail, {
        db,
        zone: zone.zone,
        bitrixRoot: config.db?.bitrixRoot,
        logger: input.logger,
      }),
  };
}
