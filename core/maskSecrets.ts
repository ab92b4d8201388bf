/**
 * The password of a URL with credentials (`smtp://user:pass@host`, `mysql://user:pass@host/db`), the
 * one thing a connection error or a configuration value carries that must never be shown. Everything
 * that writes text a person may read masks through here: the logger (core/logger.ts redact) and the
 * mail sender's last_error (mail/mailErrors.ts).
 */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^@\s]+@/gi;

/** `text` with the password of every URL in it replaced by `***` (the user and host stay: they help). */
export function maskUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, '$1***@');
}
