import { validateConfig } from '../../config/config';

describe('db.maxRowsPerSecond', () => {
  it('defaults to 5,000 rows a second', () => {
    expect(validateConfig({}).db.maxRowsPerSecond).toBe(5000);
  });

  it('takes a whole number of at least 100', () => {
    expect(validateConfig({ db: { maxRowsPerSecond: 20000 } }).db.maxRowsPerSecond).toBe(20000);
    for (const bad of [0, 99, 1.5, '5000'])
      expect(() => validateConfig({ db: { maxRowsPerSecond: bad } }, 'bxsup.config.json')).toThrow(
        /^bxsup\.config\.json: db\.maxRowsPerSecond: /,
      );
  });
});
