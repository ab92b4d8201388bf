import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { MailTransport, OutgoingMail } from './transport';
import { toNodemailerMessage } from './nodemailerMessage';

/**
 * Writes each mail as an .eml file named after its event key (demo and dry runs). The file is written
 * under a temporary name and renamed, so a reader never sees half a mail (and a failed write leaves no
 * temporary file); sending an event again replaces its file instead of adding a second one.
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
      try {
        await writeFile(temp, raw);
        await rename(temp, file);
      } catch (err) {
        // A full disk or a folder made read-only: no half-written .tmp stays behind.
        await rm(temp, { force: true }).catch(() => undefined);
        throw err;
      }
    },
    async close() {},
  };
}

export function emlFileName(mail: Pick<OutgoingMail, 'eventKey'>): string {
  return `${mail.eventKey.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`;
}
