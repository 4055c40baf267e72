import { formatCompactTime, formatDuration, formatNumber } from '../format';

describe('formatDuration', () => {
  it('reads hours, minutes and seconds', () => {
    expect(formatDuration('2024-05-01T10:00:00Z', '2024-05-01T11:02:03Z')).toBe(
      '1 h 2 min 3 s'
    );
  });

  it('reads days and drops zero parts', () => {
    expect(formatDuration('2024-05-01T10:00:00Z', '2024-05-03T10:00:00Z')).toBe(
      '2 d'
    );
  });

  it('shows milliseconds under a second', () => {
    expect(
      formatDuration('2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.250Z')
    ).toBe('250 ms');
  });

  it('is empty while a component has not ended', () => {
    expect(formatDuration('2024-05-01T10:00:00Z', undefined)).toBe('');
  });
});

describe('formatCompactTime', () => {
  const now = new Date(2024, 4, 1, 15, 0, 0);

  it('shows only the time for today', () => {
    const text = formatCompactTime(
      new Date(2024, 4, 1, 9, 30).toISOString(),
      now
    );
    expect(text).toMatch(/09|9/);
    expect(text).toMatch(/30/);
    expect(text).not.toMatch(/2024/);
  });

  it('shows the day without the year for this year', () => {
    const text = formatCompactTime(
      new Date(2024, 1, 3, 9, 30).toISOString(),
      now
    );
    expect(text).toMatch(/3/);
    expect(text).not.toMatch(/2024/);
  });

  it('shows the year for another year', () => {
    expect(formatCompactTime(new Date(2021, 1, 3).toISOString(), now)).toMatch(
      /2021/
    );
  });
});

describe('formatNumber', () => {
  it('keeps integers and rounds others to 6 significant digits', () => {
    expect(formatNumber(12)).toBe('12');
    expect(formatNumber(0.8123456789)).toBe('0.812346');
    expect(formatNumber(undefined)).toBe('');
  });
});
