import { openDb } from '../core/db';
import { parseDbUrl } from '../core/dbUrl';
import { probeSchema } from '../queue/schemaProbe';
import { forEachTicketFact } from '../report/ticketFacts';

/**
 * The report benchmark's floor, run as a child like the CLI: the same streamed SELECT of the window's
 * tickets, each row turned into a fact and dropped. What is left above it is the report's own work
 * and memory. Usage: node reportStreamFloor.js <db url> <from ISO> <to ISO>
 */
async function main(): Promise<void> {
  const [url, from, to] = process.argv.slice(2);
  const db = openDb(parseDbUrl(url, 'floor'), { poolMax: 1 });
  try {
    const schema = await probeSchema(db, ['bl_support_ticket']);
    const window = { from: new Date(from), to: new Date(to), zone: 'UTC' };
    let ids = 0;
    const n = await forEachTicketFact(db, schema, window, undefined, (fact) => (ids += fact.id & 1));
    process.stdout.write(`${n} ${ids}\n`);
  } finally {
    await db.destroy();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`floor: ${err.message}\n`);
  process.exitCode = 1;
});
