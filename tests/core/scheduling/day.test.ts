import { describe, expect, it } from 'vitest';
import { studyDay, studyDateKey, dateKeyToDayStart } from '../../../src/core/scheduling/day.ts';

// vite.config.ts runs tests in America/New_York: clocks jumped at 02:00 on 2026-03-08 and 2026-11-01,
// so with a 04:00 day start the study days of March 7 and October 31 contain the change.

const local = (y: number, m: number, d: number, h: number, min = 0) => new Date(y, m - 1, d, h, min).getTime();

describe('the study day follows the learner’s local day start', () => {
  it('counts a review at 01:30 as part of the previous study day when days start at 04:00', () => {
    const { start, end } = studyDay(local(2026, 5, 12, 1, 30), 4);
    expect(start).toBe(local(2026, 5, 11, 4));
    expect(end).toBe(local(2026, 5, 12, 4));
    expect(studyDateKey(local(2026, 5, 12, 1, 30), 4)).toBe('2026-05-11');
  });

  it('starts a new study day exactly at the day-start hour', () => {
    expect(studyDay(local(2026, 5, 12, 4), 4).start).toBe(local(2026, 5, 12, 4));
    expect(studyDay(local(2026, 5, 12, 3, 59), 4).start).toBe(local(2026, 5, 11, 4));
  });

  it('handles midnight as the day start', () => {
    const { start, end } = studyDay(local(2026, 5, 12, 23, 59), 0);
    expect(start).toBe(local(2026, 5, 12, 0));
    expect(end).toBe(local(2026, 5, 13, 0));
  });

  it('makes the spring-forward study day 23 hours long and the fall-back one 25', () => {
    const spring = studyDay(local(2026, 3, 7, 12), 4);
    expect((spring.end - spring.start) / 3_600_000).toBe(23);
    const fall = studyDay(local(2026, 10, 31, 12), 4);
    expect((fall.end - fall.start) / 3_600_000).toBe(25);
    expect(new Date(fall.end).getHours()).toBe(4);
  });

  it('turns an interview date into the start of that study day', () => {
    expect(dateKeyToDayStart('2026-12-14', 4)).toBe(local(2026, 12, 14, 4));
  });
});
