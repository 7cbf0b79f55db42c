import { describe, expect, it } from 'vitest';
import {
  heatLevel,
  recentStudyDays,
  reviewStatistics,
  streaks,
  tallyReviewsByDay,
  type ReviewStatRow,
} from '../../../src/core/mastery/review-stats.ts';

const at = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).getTime();
const NOW = at(2026, 5, 10, 9);
const row = (reviewedAt: number, rating: ReviewStatRow['rating'], beforeState: 0 | 1 | 2 | 3, seconds: number): ReviewStatRow => ({
  reviewedAt,
  rating,
  durationMs: seconds * 1000,
  before: { state: beforeState },
});

// The study day starts at 04:00: a review at 03:00 belongs to the day before.
const LOG: ReviewStatRow[] = [
  row(at(2025, 5, 1, 10), 1, 2, 9), // more than 365 days ago: outside every window
  row(at(2025, 6, 1, 10), 3, 2, 9), // inside the year
  row(at(2026, 4, 20, 10), 1, 2, 6), // inside 30 days, not 7
  row(at(2026, 5, 6, 10), 3, 3, 1), // relearning card: not in true retention
  row(at(2026, 5, 7, 10), 2, 2, 30),
  row(at(2026, 5, 8, 12), 0, 2, 0), // a card reset: logged, but not a review
  row(at(2026, 5, 9, 5), 4, 0, 5), // a new card's first grade
  row(at(2026, 5, 10, 3), 1, 2, 20), // 03:00 on the 10th: study day of the 9th
  row(at(2026, 5, 10, 8), 3, 2, 10),
];

describe('review statistics by study day', () => {
  const tallies = tallyReviewsByDay(LOG, 4);
  const stats = reviewStatistics(tallies, NOW, 4);

  it('files each review under the study day it belongs to', () => {
    expect(tallies.get('2026-05-09')).toMatchObject({ count: 2, durationMs: 25_000, ratings: [1, 0, 0, 1] });
    expect(tallies.get('2026-05-10')).toMatchObject({ count: 1, durationMs: 10_000 });
    expect(tallies.get('2026-05-08')).toMatchObject({ logged: 1, count: 0 });
  });

  it('covers the last 365 study days, today last, for the heatmap', () => {
    expect(stats.days).toHaveLength(365);
    expect(stats.days[0]!.key).toBe('2025-05-11');
    expect(stats.days[364]).toEqual({ key: '2026-05-10', start: at(2026, 5, 10, 4), count: 1 });
    expect(stats.reviewsInYear).toBe(7);
    expect(stats.daysStudied).toBe(6);
  });

  it('measures true retention over reviews of cards in the review state, per window', () => {
    // 7 days: Good (10th), Again (9th at 03:00), Hard (7th) → 2 of 3.
    expect(stats.retention.last7).toEqual({ passed: 2, total: 3, share: 2 / 3 });
    // 30 days adds the Again of 20 April → 2 of 4.
    expect(stats.retention.last30).toEqual({ passed: 2, total: 4, share: 0.5 });
    // 365 days adds the Good of 1 June 2025 → 3 of 5.
    expect(stats.retention.last365).toEqual({ passed: 3, total: 5, share: 0.6 });
  });

  it('has no retention figure without reviews of review-state cards', () => {
    const onlyNew = reviewStatistics(tallyReviewsByDay([row(NOW - 3_600_000, 3, 0, 4)], 4), NOW, 4);
    expect(onlyNew.retention.last7).toEqual({ passed: 0, total: 0, share: null });
    expect(reviewStatistics(new Map(), NOW, 4).retention.last365.share).toBeNull();
  });

  it('counts grades over the year, with their shares', () => {
    expect(stats.grades.counts).toEqual([2, 1, 3, 1]);
    expect(stats.grades.total).toBe(7);
    expect(stats.grades.shares[2]).toBeCloseTo(3 / 7, 9);
  });

  it('sums the time spent on each of the last 30 days', () => {
    expect(stats.timePerDay).toHaveLength(30);
    expect(stats.timePerDay[0]!.key).toBe('2026-04-11');
    const byDay = Object.fromEntries(stats.timePerDay.filter((d) => d.durationMs).map((d) => [d.key, d.durationMs / 1000]));
    expect(byDay).toEqual({ '2026-04-20': 6, '2026-05-06': 1, '2026-05-07': 30, '2026-05-09': 25, '2026-05-10': 10 });
  });

  it('counts the streak through today, and a reset alone does not keep a day', () => {
    expect(stats.streaks).toMatchObject({ current: 2, longest: 2 });
  });

  it('keeps the current streak while today has no review yet, and ends it after a missed day', () => {
    expect(reviewStatistics(tallies, at(2026, 5, 11, 5), 4).streaks.current).toBe(2);
    // 03:00 on the 12th is still the 11th's study day.
    expect(reviewStatistics(tallies, at(2026, 5, 12, 3), 4).streaks.current).toBe(2);
    expect(reviewStatistics(tallies, at(2026, 5, 12, 5), 4).streaks.current).toBe(0);
  });
});

describe('streaks', () => {
  it('finds the current and the longest run of days with reviews', () => {
    expect(streaks([1, 1, 1, 0, 2, 0, 3, 4])).toEqual({ current: 2, longest: 3, currentMayBeLonger: false, longestMayBeLonger: true });
    expect(streaks([0, 1, 1, 1, 0, 1, 0])).toEqual({ current: 1, longest: 3, currentMayBeLonger: false, longestMayBeLonger: false });
    expect(streaks([0, 0, 0])).toEqual({ current: 0, longest: 0, currentMayBeLonger: false, longestMayBeLonger: false });
  });

  it('says when a run reaches back to the start of the window', () => {
    expect(streaks([2, 2, 2, 0])).toEqual({ current: 3, longest: 3, currentMayBeLonger: true, longestMayBeLonger: true });
  });
});

describe('study days and heatmap shades', () => {
  it('lists study days oldest first with local boundaries, 23 hours long when clocks go forward', () => {
    const days = recentStudyDays(at(2026, 3, 9, 12), 4, 3);
    expect(days.map((d) => d.key)).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
    expect(days[0]!.end - days[0]!.start).toBe(23 * 3_600_000);
    expect(days[1]!.end - days[1]!.start).toBe(24 * 3_600_000);
    expect(days[2]!.end).toBe(at(2026, 3, 10, 4));
  });

  it('shades days in four steps up to the busiest day', () => {
    expect([0, 1, 25, 26, 50, 51, 99, 100].map((n) => heatLevel(n, 100))).toEqual([0, 1, 1, 2, 2, 3, 4, 4]);
    expect(heatLevel(3, 0)).toBe(0);
  });
});
