import { RowBudget } from '../../core/rowBudget';

/** `inner` as it is, also counting every row spent from it (what a sweep took, as the budget saw it). */
export function countingBudget(inner: RowBudget): RowBudget & { readonly spent: number } {
  let spent = 0;
  return {
    rowsPerSecond: inner.rowsPerSecond,
    capacity: inner.capacity,
    available: () => inner.available(),
    spend(rows) {
      spent += rows;
      inner.spend(rows);
    },
    get spent() {
      return spent;
    },
  };
}
