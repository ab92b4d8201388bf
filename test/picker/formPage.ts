import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

/**
 * A rendered form fragment as a page a browser opens: its templates' stylesheets linked, and its
 * site-absolute addresses (/bitrix/…/images/…) pointing into the site root, as on the site.
 */
export function writeFormPage(file: string, fragment: string, root: string, css: string[]): void {
  const rootUrl = pathToFileURL(root).href;
  const html = fragment.replace(/(src|href)="\/(?!\/)/g, `$1="${rootUrl}/`);
  const links = css
    .map((href) => `<link rel="stylesheet" href="${pathToFileURL(path.join(root, href)).href}">`)
    .join('\n');
  writeFileSync(
    file,
    `<!doctype html><html><head><meta charset="utf-8">${links}<style>body{font:13px Arial,sans-serif;margin:24px;width:760px}</style></head><body>${html}</body></html>`,
  );
}
