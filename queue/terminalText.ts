/**
 * Text from the database going to a terminal. Ticket subjects and names are typed by customers, so
 * control characters (an ESC can repaint or retitle a terminal) and bidi overrides (which reorder what
 * the operator reads) are replaced before printing. Widths count code points: good for Latin and
 * Cyrillic, approximate for wide CJK characters.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, ' ');
}

export function textWidth(text: string): number {
  return Array.from(text).length;
}

/** Cuts to `width` code points, marking the cut with an ellipsis. */
export function cut(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  if (width <= 1) return chars.slice(0, width).join('');
  return `${chars.slice(0, width - 1).join('')}…`;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - textWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - textWidth(text))) + text;
}

/** Whether to colour: a TTY that can show colours, and neither NO_COLOR nor TERM=dumb. */
export function colourEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!stream.isTTY || env.NO_COLOR !== undefined || env.TERM === 'dumb') return false;
  return typeof stream.hasColors === 'function' ? stream.hasColors() : true;
}

export const red = (text: string): string => `\u001b[31m${text}\u001b[39m`;
