import { Option } from 'commander';
import { BxsupError } from '../core/errors';

export interface NumberRule {
  min: number;
  max?: number;
  /** Whole numbers only (IDs, counts); else any number in the range (seconds). */
  whole: boolean;
  /** The fix the error line gives after "<flag> <value>: ", e.g. "give seconds from 1 to 3600". */
  fix: string;
}

/**
 * A numeric option that commander itself turns into a number (argParser), so an action only ever sees
 * numbers. A bad value is one line naming the flag and the fix, exit 2 (a BxsupError passes through
 * commander to handleError). A variadic option (`<id...>`) collects each value, checked one by one.
 */
export function numberOption(flags: string, description: string, rule: NumberRule): Option {
  const option = new Option(flags, description);
  return option.argParser((text: string, previous: unknown) => {
    const value = parseNumber(text, rule, option.long ?? flags);
    return option.variadic ? [...((previous as number[] | undefined) ?? []), value] : value;
  });
}

function parseNumber(text: string, rule: NumberRule, flag: string): number {
  const n = Number(text);
  const valid =
    text.trim() !== '' &&
    Number.isFinite(n) &&
    (!rule.whole || Number.isSafeInteger(n)) &&
    n >= rule.min &&
    n <= (rule.max ?? Number.MAX_SAFE_INTEGER);
  if (!valid) throw new BxsupError('USAGE', `${flag} ${text}: ${rule.fix}`);
  return n;
}
