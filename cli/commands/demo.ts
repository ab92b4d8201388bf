import { Command } from 'commander';
import { runDemo } from '../../demo/runDemo';

export function demoCommand(): Command {
  return new Command('demo')
    .description('run the daemon against a throwaway Bitrix-shaped database and show what it does')
    .action(async () => {
      await runDemo((line = '') => process.stdout.write(`${line}\n`));
    });
}
