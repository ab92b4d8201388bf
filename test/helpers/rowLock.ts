import { Knex } from 'knex';

/**
 * Another session's lock on one row (SELECT … FOR UPDATE in an open transaction on `db`), as an
 * operator saving a ticket or the sync storing it holds one, until `release` commits it.
 */
export async function holdRowLock(
  db: Knex,
  table: string,
  key: string,
  id: number,
): Promise<{ release: () => Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = db.transaction(async (trx: Knex.Transaction) => {
    await trx(table).where(key, id).forUpdate().select(key);
    locked();
    await released;
  });
  await Promise.race([isLocked, holder]);
  return {
    release: async () => {
      release();
      await holder;
    },
  };
}
