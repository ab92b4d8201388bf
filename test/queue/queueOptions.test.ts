import { BxsupError } from '../../core/errors';
import { parseQueueFilter } from '../../queue/queueOptions';

describe('parseQueueFilter', () => {
  it('defaults to 50 tickets and no filter', () => {
    expect(parseQueueFilter({}, {})).toEqual({ limit: 50 });
  });

  it('takes the numbers commander parsed: the limit, and --me before BXSUP_OPERATOR_ID', () => {
    expect(parseQueueFilter({ limit: 2 }, {})).toEqual({ limit: 2 });
    expect(parseQueueFilter({ assignee: 'me', me: 7 }, { BXSUP_OPERATOR_ID: '3' })).toEqual({
      limit: 50,
      assignee: { kind: 'user', id: 7 },
    });
    expect(parseQueueFilter({ assignee: 'me' }, { BXSUP_OPERATOR_ID: '3' })).toEqual({
      limit: 50,
      assignee: { kind: 'user', id: 3 },
    });
  });

  it.each([
    [{ status: 'pending' }, /--status pending: use one of open, in_progress/],
    [{ priority: 'urgent' }, /--priority urgent: use 1-4 or low, normal, high, critical/],
    [{ priority: '5' }, /--priority 5/],
    [{ assignee: 'olga' }, /--assignee olga: give a b_user ID/],
    [{ assignee: 'me' }, /--assignee me: say who you are with --me <b_user ID> or BXSUP_OPERATOR_ID/],
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
