import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { PACKAGE_ROOT } from '../core/version';
import { BxsupError } from '../core/errors';
import { findWrappedTemplates, phpString, WrapTarget, wrappedMapPhp } from './wrappedTemplates';

/**
 * The files `bxsup install` places in the site for the customer form's order picker (and, opt-in, the
 * order page's "Ask about this order" link): our PHP sources from sitefiles/php, plus the files written
 * for this site (what each wrapper wraps, the link's address). Paths are relative to the document root.
 */
export interface PlannedFile {
  path: string;
  content: Buffer;
}

export interface OrderPickerOptions {
  /** the site's document root */
  root: string;
  /** site templates in use (b_site_template), besides .default */
  siteTemplates: string[];
  /** 'utf-8' or 'windows-1251': Bitrix reads a site's PHP and language files in the site's charset */
  charset: string;
  /** the new-ticket address with #ORDER_ID#, when the order page link is wanted */
  orderPageLink: string | null;
}

export const TICKET_FORM: WrapTarget = {
  component: 'bitrix:support.ticket.edit',
  template: '.default',
  parentComponent: 'bitrix:support.ticket',
  folder: '/local/templates/.default/components/bitrix/support.ticket.edit/.default',
};

export const ORDER_FIELD_FOLDER = '/local/templates/.default/components/bitrix/system.field.edit/bxsup_order';

export const ORDER_PAGE: WrapTarget = {
  component: 'bitrix:sale.personal.order.detail',
  template: '.default',
  parentComponent: 'bitrix:sale.personal.order',
  folder: '/local/templates/.default/components/bitrix/sale.personal.order.detail/.default',
};

/** The standard public section's new-ticket form (bitrix:support.ticket, non-SEF, in /personal/support/). */
export const DEFAULT_TICKET_FORM_URL = '/personal/support/?ID=0&edit=1&ORDER_ID=#ORDER_ID#';

const SOURCES = path.join(PACKAGE_ROOT, 'sitefiles', 'php');

export function planOrderPickerFiles(options: OrderPickerOptions): PlannedFile[] {
  const files: Array<{ path: string; text: string }> = [];
  const source = (unit: string, name: string, folder: string, as = name): void => {
    files.push({ path: rel(folder, as), text: readFileSync(path.join(SOURCES, unit, name), 'utf8') });
  };

  const ticketForm = wrappedMap(options, TICKET_FORM, 'pass --no-order-picker');
  for (const name of ['template.php', 'result_modifier.php', 'bxsup_order_picker.php'])
    source('ticket-form', name, TICKET_FORM.folder);
  source('wrap', 'bxsup_wrap.php', TICKET_FORM.folder);
  files.push({ path: rel(TICKET_FORM.folder, 'bxsup_wrapped.php'), text: ticketForm });

  source('order-field', 'template.php', ORDER_FIELD_FOLDER);
  for (const lang of ['en', 'ru']) source('order-field', `lang/${lang}/template.php`, ORDER_FIELD_FOLDER);

  if (options.orderPageLink !== null) {
    const orderPage = wrappedMap(options, ORDER_PAGE, 'leave out --order-page-link');
    source('order-page', 'template.php', ORDER_PAGE.folder);
    source('order-page', 'result_modifier.php', ORDER_PAGE.folder);
    source('wrap', 'bxsup_wrap.php', ORDER_PAGE.folder);
    for (const lang of ['en', 'ru']) source('order-page', `lang/${lang}/template.php`, ORDER_PAGE.folder);
    files.push({ path: rel(ORDER_PAGE.folder, 'bxsup_wrapped.php'), text: orderPage });
    files.push({
      path: rel(ORDER_PAGE.folder, 'bxsup_ticket_url.php'),
      text: `<?php\n// Written by bxsup install (--order-page-link): the new-ticket form, #ORDER_ID# is the order's ID.\nreturn ${phpString(options.orderPageLink)};\n`,
    });
  }
  return files.map((f) => ({ path: f.path, content: encode(f.text, options.charset) }));
}

function wrappedMap(options: OrderPickerOptions, target: WrapTarget, optOut: string): string {
  const map = findWrappedTemplates(options.root, target, options.siteTemplates, optOut);
  if (!map.entries['.default|']) {
    throw new BxsupError(
      'USAGE',
      `no ${target.component} template under ${options.root} (looked in bitrix/components and the site templates): is that the site's document root? Or ${optOut}`,
    );
  }
  return wrappedMapPhp(map, target);
}

function rel(folder: string, name: string): string {
  return path.posix.join(folder.replace(/^\//, ''), name);
}

function encode(text: string, charset: string): Buffer {
  return /^utf-?8$/i.test(charset) ? Buffer.from(text, 'utf8') : iconv.encode(text, charset);
}

/** An address for the link: a path on the site (or a full http(s) URL) holding #ORDER_ID#. */
export function checkTicketFormUrl(url: string): string {
  if (!/^(\/|https?:\/\/)/.test(url) || !url.includes('#ORDER_ID#') || /[\s<>"']/.test(url)) {
    throw new BxsupError(
      'USAGE',
      `--order-page-link ${url}: give the new-ticket form's address with #ORDER_ID#, e.g. ${DEFAULT_TICKET_FORM_URL} (SEF: /personal/support/0.php?ORDER_ID=#ORDER_ID#)`,
    );
  }
  return url;
}
