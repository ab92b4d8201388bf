import { systemClock } from '../../core/clock';
import { Db } from '../../core/db';
import { silentLogger } from '../../core/logger';
import { createFactsReader } from '../../mail/facts/factsReader';
import { createClaimBook } from '../../mail/outbox/claimBook';
import { createClaimFeeder } from '../../mail/outbox/claimFeeder';
import { createSentMarker } from '../../mail/outbox/sentMarker';
import { createSendSlots } from '../../mail/sendSlots';

/**
 * What a sender pass calls for every mail is the same function in every pass. V8 inlines those calls
 * into the sender's optimised code; functions made afresh per pass (closures) made it throw that code
 * away after each pass and compile it again (bench/mailBench.ts: ~180 µs of compiler CPU per mail).
 * Nothing here reaches a database: the objects are only built, never asked.
 */
const db = {} as Db;
const pass = () => ({
  book: createClaimBook(db, { clock: systemClock, claimTimeoutMs: 120_000, logger: silentLogger() }),
  marker: createSentMarker(db, { clock: systemClock }),
  slots: createSendSlots(5),
  feeder: createClaimFeeder(async () => [], 10),
  reader: createFactsReader(db),
});

describe("a sender pass's per-mail calls", () => {
  it('are the same functions in two passes', () => {
    const [a, b] = [pass(), pass()];
    expect(a.book.stillHeld).toBe(b.book.stillHeld);
    expect(a.book.letGo).toBe(b.book.letGo);
    expect(a.book.holds).toBe(b.book.holds);
    expect(a.marker.mark).toBe(b.marker.mark);
    expect(a.slots.acquire).toBe(b.slots.acquire);
    expect(a.feeder.next).toBe(b.feeder.next);
    expect(a.reader.ticket).toBe(b.reader.ticket);
    expect(a.reader.site).toBe(b.reader.site);
    a.book.close();
    b.book.close();
  });

  it('keep their state per pass: slots of one pass are not taken from another', async () => {
    const [a, b] = [createSendSlots(1), createSendSlots(1)];
    const release = await a.acquire();
    let second = false;
    void a.acquire().then(() => (second = true));
    await b.acquire(); // b has its own slot
    await Promise.resolve();
    expect(second).toBe(false);
    release();
    release(); // a second call gives nothing back twice
    await new Promise((resolve) => setImmediate(resolve));
    expect(second).toBe(true);
  });
});
