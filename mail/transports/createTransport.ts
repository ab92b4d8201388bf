import { Db } from '../../core/db';
import { MailConfig } from '../mailConfig';
import { createBitrixTransport } from './bitrixTransport';
import { createFilesTransport } from './filesTransport';
import { createSmtpTransport } from './smtpTransport';
import { MailTransport } from './transport';

/** The transport mail.transport names; the composition roots (daemon, CLI) call this once. */
export function createMailTransport(config: MailConfig, deps: { db: Db; zone: string }): MailTransport {
  switch (config.transport) {
    case 'bitrix':
      return createBitrixTransport({ db: deps.db, zone: deps.zone });
    case 'files':
      return createFilesTransport(config.dir);
    case 'smtp':
      return createSmtpTransport({
        url: config.smtpUrl,
        maxConnections: config.concurrency,
        // A slow send keeps its claim (the sender renews it while it waits), so the socket timeouts are
        // the mail server's business alone.
        timeoutMs: 60000,
      });
  }
}
