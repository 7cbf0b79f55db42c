import { describe, expect, it } from 'vitest';
import { interviewStatus, reviewsScheduledBefore, daysBetweenDateKeys } from '../../../src/core/mastery/readiness.ts';
import { dueForecast } from '../../../src/core/mastery/forecast.ts';

const at = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).getTime();
const NOW = at(2026, 5, 10, 9);

type Card = { state: 0 | 1 | 2 | 3; due: number; suspended: boolean; hidden: boolean };
const card = (state: Card['state'], due: number, patch: Partial<Card> = {}): Card => ({ state, due, suspended: false, hidden: false, ...patch });

describe('the interview date', () => {
  it('is upcoming until its study day starts, counting whole days from today', () => {
    expect(interviewStatus('2026-05-14', NOW, 4)).toEqual({ kind: 'upcoming', date: '2026-05-14', dayStart: at(2026, 5, 14, 4), daysLeft: 4 });
    // At 02:00 with days starting at 04:00 it is still the 13th's study day: one day to go.
    expect(interviewStatus('2026-05-14', at(2026, 5, 14, 2), 4)).toMatchObject({ kind: 'upcoming', daysLeft: 1 });
  });

  it('is today during its own study day and passed after it', () => {
    expect(interviewStatus('2026-05-10', NOW, 4)).toEqual({ kind: 'today', date: '2026-05-10' });
    expect(interviewStatus('2026-05-10', at(2026, 5, 11, 3), 4)).toEqual({ kind: 'today', date: '2026-05-10' });
    expect(interviewStatus('2026-05-10', at(2026, 5, 11, 4), 4)).toEqual({ kind: 'passed', date: '2026-05-10' });
    expect(interviewStatus('2026-04-01', NOW, 4)).toEqual({ kind: 'passed', date: '2026-04-01' });
    expect(interviewStatus(null, NOW, 4)).toEqual({ kind: 'none' });
  });

  it('counts calendar days across a daylight-saving change', () => {
    expect(daysBetweenDateKeys('2026-03-07', '2026-03-09')).toBe(2);
    expect(daysBetweenDateKeys('2026-10-31', '2026-11-02')).toBe(2);
  });

  it('counts the reviews already scheduled before it: studied, active cards due before the day starts', () => {
    const start = at(2026, 5, 14, 4);
    const cards = [
      card(2, at(2026, 5, 1)), // overdue: counts
      card(1, NOW + 600_000), // learning step: counts
      card(2, start - 1), // just before: counts
      card(2, start), // on the day: not before it
      card(0, NOW), // never studied: its first review is not scheduled
      card(2, NOW, { suspended: true }),
      card(2, NOW, { hidden: true }),
    ];
    expect(reviewsScheduledBefore(cards, start)).toBe(3);
  });
});

describe('the due forecast', () => {
  it('puts overdue cards on today and counts each of the next 30 study days', () => {
    const cards = [
      card(2, at(2026, 5, 1)), // overdue
      card(1, at(2026, 5, 10, 9, 10)),
      card(2, at(2026, 5, 11, 3)), // before 04:00: still today's study day
      card(2, at(2026, 5, 11, 5)), // tomorrow
      card(2, at(2026, 6, 8, 5)), // the 30th day
      card(2, at(2026, 6, 9, 5)), // beyond the forecast
      card(0, NOW),
      card(2, NOW, { suspended: true }),
      card(2, NOW, { hidden: true }),
    ];
    const forecast = dueForecast(cards, NOW, 4, 30);
    expect(forecast).toHaveLength(30);
    expect(forecast[0]).toEqual({ key: '2026-05-10', start: at(2026, 5, 10, 4), due: 3 });
    expect(forecast[1]!.due).toBe(1);
    expect(forecast[29]).toMatchObject({ key: '2026-06-08', due: 1 });
    expect(forecast.reduce((s, d) => s + d.due, 0)).toBe(5);
  });

  it('follows local study days across the spring daylight-saving change', () => {
    const now = at(2026, 3, 7, 12);
    const forecast = dueForecast([card(2, at(2026, 3, 8, 3, 30)), card(2, at(2026, 3, 9, 3, 59)), card(2, at(2026, 3, 9, 4))], now, 4, 3);
    expect(forecast.map((d) => [d.key, d.due])).toEqual([['2026-03-07', 1], ['2026-03-08', 1], ['2026-03-09', 1]]);
    expect(forecast[1]!.start - forecast[0]!.start).toBe(23 * 3_600_000);
  });
});
