import { Logger } from '../core/logger';

/**
 * Whether the mail server takes mail, as one line per change instead of one per mail per retry: the
 * first temporary failure says the server is failing and why, later ones are only counted, and the
 * first accepted mail after them says how many attempts failed meanwhile. Lives as long as the sender
 * (across passes), so an outage of an hour is two lines.
 */
export interface SendHealth {
  failed(reason: string): void;
  accepted(): void;
  readonly failing: boolean;
}

export function createSendHealth(logger: Pick<Logger, 'warn' | 'info'>): SendHealth {
  let failures = 0;
  return {
    failed(reason) {
      failures++;
      if (failures === 1)
        logger.warn(
          `mail server failing: ${reason}; mails are retried with backoff (further failures are counted, not logged one by one)`,
        );
    },
    accepted() {
      if (failures === 0) return;
      logger.info(`mail server accepting mail again, after ${failures} failed attempt(s)`);
      failures = 0;
    },
    get failing() {
      return failures > 0;
    },
  };
}
