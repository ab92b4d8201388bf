import { Db } from '../../core/db';
import { Logger } from '../../core/logger';
import { MailConfig } from '../mailConfig';
import { createBitrixTransport } from './bitrixTransport';
import { createFilesTransport } from './filesTransport';
import { createSmtpTransport } from './smtpTransport';
import { MailTransport } from './transport';

/** The transport mail.transport names; the composition roots (daemon, CLI) call this once. */
export function createMailTransport(
  config: MailConfig,
  deps: { db: Db; zone: string; bitrixRoot?: string; logger?: Logger },
): MailTransport {
  switch (config.transport) {
    case 'bitrix':
      return createBitrixTransport(deps);
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
