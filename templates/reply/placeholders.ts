import { BxsupError } from '../../core/errors';

/**
 * Placeholders of reply templates, written the Bitrix way (#NAME#). A template may use only these: an
 * unknown one is a typo the customer would otherwise receive verbatim, so saving it is refused.
 */
export const PLACEHOLDERS = [
  'CUSTOMER_NAME',
  'ORDER_NUMBER',
  'TRACKING_NUMBER',
  'TRACKING_LINK',
  'TICKET_NUMBER',
  'TICKET_LINK',
  'OPERATOR_NAME',
] as const;

export type PlaceholderName = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Partial<Record<PlaceholderName, string | null>>;

export interface PlaceholderFallbacks {
  /** mail.placeholderFallback: what any placeholder without a value renders as. */
  fallback: string;
  /** mail.placeholderFallbacks: per name, overriding `fallback`. */
  perName: Record<string, string>;
}

const KNOWN: ReadonlySet<string> = new Set(PLACEHOLDERS);
const TOKEN = /#([A-Z][A-Z0-9_]*)#/g;

/** Every #NAME# in the text, known or not, in order of appearance. */
export function findPlaceholders(text: string): string[] {
  return Array.from(text.matchAll(TOKEN), (m) => m[1]);
}

export function containsKnownPlaceholder(text: string): boolean {
  return findPlaceholders(text).some((name) => KNOWN.has(name));
}

/** Throws TEMPLATE_INVALID naming the first unknown placeholder; `where` says which template. */
export function assertKnownPlaceholders(text: string, where: string): void {
  const unknown = findPlaceholders(text).filter((name) => !KNOWN.has(name));
  if (unknown.length === 0) return;
  const list = [...new Set(unknown)].map((n) => `#${n}#`).join(', ');
  throw new BxsupError(
    'TEMPLATE_INVALID',
    `${where}: unknown placeholder ${list}: use one of ${PLACEHOLDERS.map((p) => `#${p}#`).join(', ')}`,
  );
}

/**
 * Replaces the known placeholders with their values; a missing or empty value renders the configured
 * fallback (never "undefined" or "null"). Unknown #WORDS# are left as they are: in an operator's
 * message they may be ordinary text.
 */
export function fillPlaceholders(
  text: string,
  values: PlaceholderValues,
  fallbacks: PlaceholderFallbacks,
): string {
  return text.replace(TOKEN, (token, name: string) => {
    if (!KNOWN.has(name)) return token;
    const value = values[name as PlaceholderName];
    if (value !== undefined && value !== null && value !== '') return value;
    return fallbacks.perName[name] ?? fallbacks.fallback;
  });
}
