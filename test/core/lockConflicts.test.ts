import { isLockConflict, retryLockConflicts } from '../../core/lockConflicts';

/** A piece of work that fails with the given errors first, then answers 'done'. */
function failingFirst(errors: Array<{ errno?: number; message: string }>) {
  let calls = 0;
  const work = async (): Promise<string> => {
    const err = errors[calls++];
    if (err) throw Object.assign(new Error(err.message), err);
    return 'done';
  };
  return { work, calls: () => calls };
}

describe('lock conflicts (core/lockConflicts.ts)', () => {
  it('knows a deadlock and a lock wait timeout from other errors', () => {
    expect(isLockConflict({ errno: 1213 })).toBe(true);
    expect(isLockConflict({ errno: 1205 })).toBe(true);
    expect(isLockConflict({ errno: 1062 })).toBe(false);
    expect(isLockConflict(new Error('no errno'))).toBe(false);
    expect(isLockConflict(null)).toBe(false);
  });

  it('runs the work again after a deadlock and reports each retry', async () => {
    const deadlock = { errno: 1213, message: 'Deadlock found when trying to get lock' };
    const { work, calls } = failingFirst([deadlock, deadlock]);
    const retries: number[] = [];
    await expect(retryLockConflicts(work, 5, (attempt) => retries.push(attempt))).resolves.toBe('done');
    expect(calls()).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it('gives up after the last attempt and passes other errors through at once', async () => {
    const timeout = { errno: 1205, message: 'Lock wait timeout exceeded' };
    const stuck = failingFirst([timeout, timeout, timeout]);
    await expect(retryLockConflicts(stuck.work, 3)).rejects.toThrow('Lock wait timeout exceeded');
    expect(stuck.calls()).toBe(3);
    const duplicate = failingFirst([{ errno: 1062, message: 'Duplicate entry' }]);
    await expect(retryLockConflicts(duplicate.work, 5)).rejects.toThrow('Duplicate entry');
    expect(duplicate.calls()).toBe(1);
  });
});
