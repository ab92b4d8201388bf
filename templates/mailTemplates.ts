import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { PACKAGE_ROOT } from '../core/version';
import { BxsupError } from '../core/errors';

/**
 * The mail templates: templates/mail/<lang>/<name>.subject.ejs, .txt.ejs and .html.ejs, rendered with
 * ejs. In the HTML part `<%= %>` HTML-escapes everything (ticket titles and messages come from the
 * database and may hold markup); the subject and text parts are plain text, so there `<%= %>` inserts
 * as is. Compiled templates are kept per renderer instance, not in ejs's global cache.
 */
export const DEFAULT_MAIL_TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates', 'mail');

export type MailTemplateName =
  'ticket_created' | 'ticket_reply' | 'ticket_closed' | 'sla_warning' | 'sla_breach' | 'sla_digest';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

type Part = 'subject' | 'txt' | 'html';

/**
 * The variables a mail template can use (absent ones are undefined): lang, siteName, zone; customer
 * mails: customerName, ticket {id, number, title, link, orderNumber, trackingNumber, trackingLink},
 * reply {text, operatorName}; staff mails: ticket {id, number, title, adminLink}, sla {target, level,
 * dueAt, reason}, tickets [{number, title, adminLink, target, level, dueAt, reason}].
 */
export const TEMPLATE_LOCALS = [
  'lang',
  'siteName',
  'zone',
  'customerName',
  'ticket',
  'reply',
  'sla',
  'tickets',
] as const;

export class MailTemplates {
  private readonly compiled = new Map<string, ejs.TemplateFunction>();
  readonly languages: ReadonlySet<string>;

  constructor(readonly dir: string = DEFAULT_MAIL_TEMPLATES_DIR) {
    if (!existsSync(dir)) {
      throw new BxsupError(
        'CONFIG_INVALID',
        `mail templates folder ${dir} does not exist: fix mail.templatesDir or remove it to use the built-in templates`,
      );
    }
    this.languages = new Set(
      readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && /^[a-z]{2}$/.test(e.name))
        .map((e) => e.name),
    );
  }

  /** The first candidate we have templates for, else English. */
  pickLanguage(candidates: Array<string | null | undefined>): string {
    for (const c of candidates) if (c && this.languages.has(c.toLowerCase())) return c.toLowerCase();
    return 'en';
  }

  render(language: string, name: MailTemplateName, data: Record<string, unknown>): RenderedMail {
    return {
      subject: this.part(language, name, 'subject', data),
      text: this.part(language, name, 'txt', data),
      html: this.part(language, name, 'html', data),
    };
  }

  private part(language: string, name: MailTemplateName, part: Part, data: Record<string, unknown>): string {
    // Looked up by a plain key: path.join on every part of every mail showed in the sender's profile.
    const key = `${language}/${name}.${part}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      const file = path.join(this.dir, language, `${name}.${part}.ejs`);
      let source: string;
      try {
        source = readFileSync(file, 'utf8');
      } catch (cause) {
        throw new BxsupError('TEMPLATE_INVALID', `mail template ${file} is missing: restore it`, { cause });
      }
      fn = ejs.compile(source, {
        filename: file,
        // Text parts are not HTML: escaping there would turn "&" into "&amp;" in the customer's subject.
        escape:
          part === 'html' ? undefined : (s: unknown) => (s === undefined || s === null ? '' : String(s)),
        // No `with (locals)`: it keeps V8 from optimising the template; these are the names templates use.
        _with: false,
        destructuredLocals: [...TEMPLATE_LOCALS],
        rmWhitespace: false,
      });
      this.compiled.set(key, fn);
    }
    return fn(data);
  }
}
