import { validateConfig } from '../../config/config';
import { ticketLink } from '../../mail/facts/links';
import { moduleTicketPath, SiteFacts } from '../../mail/facts/sites';

/**
 * The customer's link to a ticket: site.ticketPath(s) when set, else the page the support module's own
 * mails link to (#PUBLIC_EDIT_URL#?ID=#ID#, from its SUPPORT_DIR and SUPPORT_EDIT options).
 */
const site = (path: string): SiteFacts => ({
  id: 's2',
  name: 'Example Shop',
  languageId: 'en',
  serverName: 'shop.example.com',
  email: null,
  moduleTicketPath: path,
});

describe('ticket links', () => {
  it("the module's options, as it builds #PUBLIC_EDIT_URL#", () => {
    // Its defaults: SUPPORT_DIR "#SITE_DIR#support/", SUPPORT_EDIT "".
    expect(moduleTicketPath('/')).toBe('/support/?ID=<id>');
    expect(moduleTicketPath('/en/', '#SITE_DIR#personal/support/', 'ticket_edit.php')).toBe(
      '/en/personal/support/ticket_edit.php?ID=<id>',
    );
    expect(moduleTicketPath('/', '#LANG_DIR#\\\\help//desk/', '')).toBe('/help/desk/?ID=<id>');
  });

  it('site.ticketPath and site.ticketPaths win; without them the module page', () => {
    const none = validateConfig({}).site;
    expect(ticketLink(site('/en/support/?ID=<id>'), 7, none)).toBe(
      'https://shop.example.com/en/support/?ID=7',
    );
    const configured = validateConfig({ site: { ticketPath: '/cabinet/tickets/<id>/' } }).site;
    expect(ticketLink(site('/en/support/?ID=<id>'), 7, configured)).toBe(
      'https://shop.example.com/cabinet/tickets/7/',
    );
    const perSite = validateConfig({ site: { ticketPath: '/a/<id>', ticketPaths: { s2: '/b/<id>' } } }).site;
    expect(ticketLink(site('/x?ID=<id>'), 7, perSite)).toBe('https://shop.example.com/b/7');
  });
});
