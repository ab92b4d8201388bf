import { BxsupError } from '../../core/errors';
import { parseQueueFilter } from '../../queue/queueOptions';

describe('parseQueueFilter', () => {
  it('defaults to 50 tickets and no filter', () => {
    expect(parseQueueFilter({}, {})).toEqual({ limit: 50 });
  });

  it.each([
    [{ status: 'pending' }, /--status pending: use one of open, in_progress/],
    [{ priority: 'urgent' }, /--priority urgent: use 1-4 or low, normal, high, critical/],
    [{ priority: '5' }, /--priority 5/],
    [{ assignee: 'olga' }, /--assignee olga: give a b_user ID/],
    [{ assignee: 'me' }, /--assignee me: say who you are with --me <b_user ID> or BXSUP_OPERATOR_ID/],
    [{ assignee: 'me', me: 'x' }, /--me x: give a b_user ID/],
    [{ limit: '0' }, /--limit 0: give a number of tickets from 1 to 100000/],
  ])('rejects %j as a usage error (exit 2)', (opts, message) => {
    let error: unknown;
    try {
      parseQueueFilter(opts, {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BxsupError);
    expect((error as BxsupError).exitCode).toBe(2);
    expect((error as BxsupError).message).toMatch(message);
  });

  it('says where a bad operator ID came from', () => {
    expect(() => parseQueueFilter({ assignee: 'me' }, { BXSUP_OPERATOR_ID: 'abc' })).toThrow(
      /BXSUP_OPERATOR_ID abc/,
    );
  });
});
