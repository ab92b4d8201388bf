import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspectInChromium } from './chromium';

/**
 * The page tests read exceptions and console errors once the page has settled (chromium.ts SETTLED),
 * not after a guessed sleep. A page whose load handler defers its failure to a timer, and then to a
 * frame callback, must still be caught: otherwise "no console errors" in the report and order-picker
 * tests could pass on a page that breaks a moment after loading.
 */
describe('inspectInChromium waits for the page to settle', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bxsup-settle-'));

  it('sees an exception and a console error the load handler deferred, and the layout they made', async () => {
    const file = path.join(dir, 'late.html');
    writeFileSync(
      file,
      `<!doctype html><html><body><div id="box"></div><script>
        addEventListener('load', () => setTimeout(() => requestAnimationFrame(() => {
          document.getElementById('box').style.height = '123px';
          console.error('late console error');
          setTimeout(() => { throw new Error('late exception'); }, 0);
        }), 0));
      </script></body></html>`,
    );
    const page = await inspectInChromium<number>(file, `document.getElementById('box').offsetHeight`);
    expect(page.value).toBe(123);
    expect(page.console.map((c) => `${c.type}: ${c.text}`)).toContain('error: late console error');
    expect(page.exceptions.join('\n')).toContain('late exception');
  }, 60_000);
});
