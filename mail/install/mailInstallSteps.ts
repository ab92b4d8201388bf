import { seedReplyTemplates } from '../../templates/reply/seedTemplates';
import type { InstallStep } from '../../schema/installStep';
import { missingMailEvents, registerMailEvents } from './registerMailEvents';
import { takeOverCustomerMail } from './takeOverCustomerMail';

/** The installer's mail steps (install/install.ts lists them after the schema's, which create our tables). */
export const MAIL_INSTALL_STEPS: InstallStep[] = [
  {
    title: 'mail event types',
    async run({ db, runner, now }) {
      const added = await registerMailEvents(db, runner, now);
      if (added.length === 0) return { result: 'present', changed: false };
      return {
        result: `${runner.dryRun ? 'would register' : 'registered'} ${added.length} Bitrix mail event types and templates (for mail.transport "bitrix")`,
        changed: true,
      };
    },
    verify: missingMailEvents,
  },
  {
    title: 'reply templates',
    async run({ db, runner, now }) {
      const added = await seedReplyTemplates(db, runner, now);
      if (added === 0) return { result: 'seeded earlier', changed: false };
      return {
        result: `${runner.dryRun ? 'would add' : 'added'} ${added} starter templates (ru, en)`,
        changed: true,
      };
    },
  },
  {
    title: 'native customer mails',
    async run({ db, runner, now }, options) {
      if (!options.takeOverCustomerMail)
        return {
          result: 'left on (--take-over-customer-mail switches the overlapping ones off)',
          changed: false,
        };
      const switched = await takeOverCustomerMail(db, runner, now);
      if (switched.length === 0) return { result: 'overlapping templates already off', changed: false };
      return {
        result: `${runner.dryRun ? 'would switch off' : 'switched off'} ${switched.join(', ')}`,
        changed: true,
      };
    },
  },
];
