import { Clock } from '../core/clock';
import { Config } from '../config/config';
import { Db } from '../core/db';
import { Logger } from '../core/logger';
import { MailTemplates } from '../templates/mailTemplates';
import { MailEvents } from './mailEvents';
import { SendHealth } from './sendHealth';
import { MailTransport } from './transports/transport';

/** What a mail pass needs (mailSetup.ts builds it; mailOnce.ts and deliver.ts use it). */
export interface MailDeps {
  db: Db;
  config: Pick<Config, 'site' | 'mail'>;
  transport: MailTransport;
  templates: MailTemplates;
  clock: Clock;
  logger: Logger;
  /** This sender's instance ID: the first part of its claim tokens; the daemon's heartbeat row has it. */
  instanceId: string;
  /** FOR UPDATE SKIP LOCKED is available (bridge/serverInfo.ts); else the conditional-UPDATE claim. */
  skipLocked: boolean;
  /** The site's zone (bridge/siteZone.ts): native datetimes and due times. */
  zone: string;
  /** Whether the mail server takes mail (one log line per change), across passes. */
  health: SendHealth;
  events?: MailEvents;
  /** Jitter source for retries; tests pin it. */
  random?: () => number;
}
