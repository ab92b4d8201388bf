import { Config } from '../../config/config';
import { Db } from '../../core/db';
import { MailTemplates } from '../../templates/mailTemplates';
import { FactsReader } from '../facts/factsReader';
import { SiteSender } from './siteSender';

/** What composing a mail needs; built once per sender pass by mailOnce. */
export interface ComposeDeps {
  db: Db;
  reader: FactsReader;
  templates: MailTemplates;
  config: Pick<Config, 'site' | 'mail'>;
  /** The zone native datetimes and due times are shown in (the site's). */
  zone: string;
  /** Each site's Message-ID domain and From, by site ID, for this pass (siteSender.ts). */
  senders: Map<string, SiteSender>;
}
