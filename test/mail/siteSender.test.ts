import { validateConfig } from '../../config/config';
import { siteSender, SiteSender } from '../../mail/compose/siteSender';
import { SiteFacts } from '../../mail/facts/sites';

/** A site's Message-ID domain and From are worked out once per pass; each mail gets its own From. */
const site: SiteFacts = {
  id: 's1',
  name: 'Example\nShop',
  languageId: 'en',
  serverName: 'shop.example.com',
  email: 'support@example.com',
  moduleTicketPath: '/support/?ID=<id>',
};

describe('siteSender', () => {
  it("is the site's domain and From, remembered per site, a fresh From for each mail", () => {
    const config = validateConfig({});
    const senders = new Map<string, SiteSender>();
    const first = siteSender(site, config, senders);
    expect(first).toEqual({
      domain: 'shop.example.com',
      from: { name: 'Example Shop', address: 'support@example.com' },
    });
    first.from.name = 'changed by a transport';
    const second = siteSender({ ...site, name: 'Renamed' }, config, senders);
    // Remembered for the pass (the reader keeps the site's facts as long) ...
    expect(second.from).toEqual({ name: 'Example Shop', address: 'support@example.com' });
    // ... and one mail's copy is not the next one's.
    expect(second.from).not.toBe(first.from);
    expect(senders.size).toBe(1);
  });

  it('follows mail.from and mail.messageIdDomain', () => {
    const config = validateConfig({
      mail: { from: 'Help <help@example.org>', messageIdDomain: 'mail.example.org' },
    });
    expect(siteSender(site, config, new Map())).toEqual({
      domain: 'mail.example.org',
      from: { name: 'Help', address: 'help@example.org' },
    });
  });
});
