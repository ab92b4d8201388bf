import { Config } from '../../config/config';
import { Db } from '../../core/db';
import { MailTemplates } from '../../templates/mailTemplates';
import { FactsReader } from '../facts/factsReader';

/** What composing a mail needs; built once per sender pass by mailOnce. */
export interface ComposeDeps {
  db: Db;
  reader: FactsReader;
  templates: MailTemplates;
  config: Pick<Config, 'site' | 'mail'>;
  /** The zone native datetimes and due times are shown in (the site's). */
  zone: string;
}
