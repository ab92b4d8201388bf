/**
 * Escapes text for HTML and SVG element content and quoted attribute values. Every string that came
 * from the database (category codes, operator and site names, level names) goes through this: a name
 * like `<script>` must print as text, never become markup.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A number for an SVG attribute: finite, at most two decimals. */
export function num(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '0';
}
