import { validateConfig } from '../../config/config';

describe('sync.openSweepSeconds', () => {
  it('defaults to a minute', () => {
    expect(validateConfig({}).sync.openSweepSeconds).toBe(60);
  });

  it('takes a whole number of seconds from 1 to a day, and names the key otherwise', () => {
    expect(validateConfig({ sync: { openSweepSeconds: 120 } }).sync.openSweepSeconds).toBe(120);
    for (const bad of [0, 86401, 2.5, '60'])
      expect(() => validateConfig({ sync: { openSweepSeconds: bad } }, 'bxsup.config.json')).toThrow(
        /^bxsup\.config\.json: sync\.openSweepSeconds: /,
      );
  });
});
