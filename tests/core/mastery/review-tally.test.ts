import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recentStudyDays, tallyReviewsByDay, type DayTally, type ReviewStatRow } from '../../../src/core/mastery/review-stats.ts';
import {
  applyToTallyRow,
  emptyTallyRow,
  talliesByDayKey,
  tallyRowSpan,
  tallyBlockOf,
  type ReviewTallyRow,
} from '../../../src/core/mastery/review-tally.ts';

// Tests run in America/New_York: the year below crosses both DST changes of 2026.
const at = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min).getTime();
const NOW = at(2026, 11, 21, 20);

function rowsFor(reviews: readonly ReviewStatRow[]): ReviewTallyRow[] {
  const rows = new Map<number, ReviewTallyRow>();
  for (const r of reviews) {
    const block = tallyBlockOf(r.reviewedAt);
    if (!rows.has(block)) rows.set(block, emptyTallyRow(block));
    applyToTallyRow(rows.get(block)!, r, 1);
  }
  return [...rows.values()];
}

/** What the statistics compare: everything but `logged` (the tallies never see resets). */
function comparable(map: Map<string, DayTally>) {
  return new Map([...map].filter(([, t]) => t.count > 0).map(([key, { logged: _logged, ...rest }]) => [key, rest]));
}

describe('quarter-hour review tallies', () => {
  it('file reviews either side of the day start and of both DST changes under the right study day', () => {
    const reviews: ReviewStatRow[] = [
      { reviewedAt: at(2026, 3, 8, 3, 59), rating: 3, durationMs: 1000, before: { state: 2 } }, // before 04:00 on spring-forward day
      { reviewedAt: at(2026, 3, 8, 4, 0), rating: 1, durationMs: 2000, before: { state: 2 } },
      { reviewedAt: at(2026, 11, 1, 1, 30), rating: 4, durationMs: 3000, before: { state: 0 } }, // the repeated hour
      { reviewedAt: at(2026, 11, 1, 4, 10), rating: 2, durationMs: 4000, before: { state: 2 } },
      { reviewedAt: at(2026, 11, 1, 4, 20), rating: 0, durationMs: 0, before: { state: 2 } }, // a reset: not a review
    ];
    const days = recentStudyDays(NOW, 4, 365);
    const tallies = talliesByDayKey(rowsFor(reviews), days);
    expect(tallies.get('2026-03-07')).toMatchObject({ count: 1, ratings: [0, 0, 1, 0], matureReviews: 1, maturePassed: 1, durationMs: 1000 });
    expect(tallies.get('2026-03-08')).toMatchObject({ count: 1, ratings: [1, 0, 0, 0], matureReviews: 1, maturePassed: 0 });
    expect(tallies.get('2026-10-31')).toMatchObject({ count: 1, ratings: [0, 0, 0, 1], matureReviews: 0 });
    expect(tallies.get('2026-11-01')).toMatchObject({ count: 1, ratings: [0, 1, 0, 0], durationMs: 4000 });
  });

  it('agree with tallying the log directly, for any reviews and any day-start hour', () => {
    const first = at(2025, 11, 1);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            reviewedAt: fc.integer({ min: first, max: NOW }),
            rating: fc.constantFrom(0, 1, 2, 3, 4) as fc.Arbitrary<ReviewStatRow['rating']>,
            durationMs: fc.integer({ min: 0, max: 600_000 }),
            state: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>,
          }),
          { maxLength: 200 },
        ),
        fc.integer({ min: 0, max: 23 }),
        (raw, dayStartHour) => {
          const reviews = raw.map((r) => ({ reviewedAt: r.reviewedAt, rating: r.rating, durationMs: r.durationMs, before: { state: r.state } }));
          const days = recentStudyDays(NOW, dayStartHour, 365);
          const span = tallyRowSpan(days)!;
          const rows = rowsFor(reviews).filter((r) => r.block >= span.first && r.block <= span.last);
          const direct = tallyReviewsByDay([...reviews].sort((a, b) => a.reviewedAt - b.reviewedAt), dayStartHour);
          const inWindow = new Map([...direct].filter(([key]) => days.some((d) => d.key === key)));
          expect(comparable(talliesByDayKey(rows, days))).toEqual(comparable(inWindow));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('removing a review undoes adding it', () => {
    const row = emptyTallyRow(tallyBlockOf(NOW));
    const review: ReviewStatRow = { reviewedAt: NOW, rating: 2, durationMs: 5000, before: { state: 2 } };
    applyToTallyRow(row, review, 1);
    expect(row.values.some((v) => v !== 0)).toBe(true);
    applyToTallyRow(row, review, -1);
    expect(row.values.every((v) => v === 0)).toBe(true);
  });

  it('counts a review as at most an hour of study time, a card left open overnight included', () => {
    const reviews: ReviewStatRow[] = [
      { reviewedAt: at(2026, 11, 20, 9), rating: 3, durationMs: 9 * 3_600_000, before: { state: 2 } },
      { reviewedAt: at(2026, 11, 20, 9, 1), rating: 3, durationMs: 20_000, before: { state: 2 } },
    ];
    const tallies = talliesByDayKey(rowsFor(reviews), recentStudyDays(NOW, 4, 7));
    expect(tallies.get('2026-11-20')?.durationMs).toBe(3_600_000 + 20_000);
  });
});
