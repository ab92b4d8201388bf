/**
 * A table of ours a database may not have yet (before install, after uninstall): its store answers
 * "nothing there" instead of failing. One statement that may fail rather than an information_schema
 * lookup first, so store/ needs nothing from schema/.
 */
export function isMissingTable(err: unknown): boolean {
  return (err as { code?: string }).code === 'ER_NO_SUCH_TABLE';
}

/** The query's result, or null when its table does not exist. */
export async function orNothingIfMissing<T>(query: PromiseLike<T>): Promise<T | null> {
  try {
    return await query;
  } catch (err) {
    if (isMissingTable(err)) return null;
    throw err;
  }
}
