import { readFileSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspectInChromium } from '../report/chromium';
import { writeFormPage } from './formPage';

/**
 * The README's picture of the customer form: `node dist/test/picker/formPicture.js FRAGMENT.html OUT.png
 * ROOT [CSS…]` opens the HTML a real site rendered (the real-module harness, see README "The customer
 * form") with the templates' stylesheets in headless Chromium and keeps the form's box.
 */
async function main(): Promise<void> {
  const [fragment, out, root, ...css] = process.argv.slice(2);
  const page = path.join(os.tmpdir(), `bxsup-form-${process.pid}.html`);
  writeFormPage(page, readFileSync(fragment, 'utf8'), root, css);
  const shot = await inspectInChromium<boolean>(
    page,
    'Boolean(document.querySelector("select[name=UF_ORDER_ID]"))',
    {
      screenshot: true,
      screenshotOf: 'form[name="support_edit"]',
    },
  );
  if (!shot.value || !shot.screenshotPng) throw new Error('no order picker in that page');
  writeFileSync(out, shot.screenshotPng);
}

void main();
