import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { MailTransport, OutgoingMail } from './transport';
import { toNodemailerMessage } from './nodemailerMessage';

/**
 * Writes each mail as an .eml file named after its event key (demo and dry runs). The file is written
 * under a temporary name and renamed, so a reader never sees half a mail; sending an event again
 * replaces its file instead of adding a second one.
 */
export function createFilesTransport(dir: string): MailTransport {
  return {
    name: 'files',
    transactional: false,
    async send(mail, { now }) {
      await mkdir(dir, { recursive: true });
      const raw = await new MailComposer(toNodemailerMessage(mail, now)).compile().build();
      const file = path.join(dir, emlFileName(mail));
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, raw);
      await rename(temp, file);
    },
    async close() {},
  };
}

export function emlFileName(mail: Pick<OutgoingMail, 'eventKey'>): string {
  return `${mail.eventKey.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`;
}
