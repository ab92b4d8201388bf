import { searchWords } from '../../bridge/ticketSearch';

/**
 * The words bxsup writes into b_ticket_search after filling a message in place must be the module's own
 * index words. Expected values: what the real support module (main 20.0.650, search module stemming)
 * wrote into b_ticket_search for a ticket created through CTicket::Set on an English site.
 */
describe("b_ticket_search words as the module's indexTicket makes them", () => {
  it('English: Snowball stems, upper case, without the stop words and one-letter words', () => {
    const title = 'Where is my order 1001? Tracking RA123456789RU';
    const message =
      "Hello, I ordered running shoes and the parcel never arrived. Please check the delivery, it's urgent!";
    const words = [...new Set([...searchWords(title, 'en'), ...searchWords(message, 'en')])].sort();
    expect(words).toEqual(
      [
        '1001',
        'ARRIV',
        'CHECK',
        'DELIVERI',
        'HELLO',
        'MY',
        'NEVER',
        'ORDER',
        'PARCEL',
        'PLEAS',
        'RA123456789RU',
        'RUN',
        'SHOE',
        'TRACK',
        'URGENT',
        'WHERE',
      ].sort(),
    );
  });

  it('the stop words go as stems too (WAS, WITH, FOR…), other short words stay', () => {
    expect(searchWords('It was sent with DHL for you on Monday by air', 'en')).toEqual([
      'SENT',
      'DHL',
      'YOU',
      'MONDAY',
      'AIR',
    ]);
  });
});
