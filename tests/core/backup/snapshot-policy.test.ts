import { describe, expect, it } from 'vitest';
import { mayReplaceSnapshot, snapshotDue } from '../../../src/core/backup/snapshot-policy.ts';

const at = (day: number, hour: number, minute = 0) => new Date(2026, 4, day, hour, minute).getTime();
const due = (madeAt: number | null, now: number, hasReviews = true, dayStartHour = 4) =>
  snapshotDue({ last: madeAt === null ? null : { madeAt }, hasReviews, dayStartHour, now });

describe('when the daily snapshot is due', () => {
  it('is due for a learner with reviews and no snapshot yet', () => {
    expect(due(null, at(10, 9))).toBe(true);
  });

  it('is never due for an empty collection, with or without a snapshot', () => {
    expect(due(null, at(10, 9), false)).toBe(false);
    expect(due(at(1, 9), at(10, 9), false)).toBe(false);
  });

  it('is made at most once per study day, however many launches', () => {
    expect(due(at(10, 9), at(10, 9, 1))).toBe(false);
    expect(due(at(10, 9), at(10, 23, 59))).toBe(false);
    // 02:00 the next calendar day still belongs to the study day that began at 04:00.
    expect(due(at(10, 9), at(11, 2))).toBe(false);
    expect(due(at(10, 9), at(11, 4))).toBe(true);
  });

  it('follows the learner’s day start, not midnight', () => {
    expect(due(at(10, 23), at(11, 1), true, 0)).toBe(true);
    expect(due(at(10, 23), at(11, 1), true, 4)).toBe(false);
    expect(due(at(10, 3), at(10, 5), true, 4)).toBe(true);
  });

  it('is due again when the snapshot is stamped in the future (the clock was set back), so it cannot freeze', () => {
    expect(due(at(20, 9), at(10, 9))).toBe(true);
  });

  it('treats a snapshot with a damaged time as missing', () => {
    expect(due(Number.NaN, at(10, 9))).toBe(true);
  });
});

describe('which snapshot may replace the one kept', () => {
  const kept = { reviews: 120, madeAt: at(10, 9) };
  const next = (reviews: number, lastReplaceAt: number | null = null) => ({ reviews, lastReplaceAt });

  it('never lets an empty collection replace a snapshot with reviews (the wiped database), even after a Replace', () => {
    expect(mayReplaceSnapshot(kept, next(0))).toBe(false);
    expect(mayReplaceSnapshot(kept, next(0, at(11, 9)))).toBe(false);
  });

  it('does not let the few reviews of a learner who studied on after a wipe replace it', () => {
    expect(mayReplaceSnapshot(kept, next(3))).toBe(false);
    // A Replace made before the snapshot does not explain a shrink after it.
    expect(mayReplaceSnapshot(kept, next(3, at(9, 9)))).toBe(false);
  });

  it('lets a growing log replace it, and a smaller one when a Replace since the snapshot explains it', () => {
    expect(mayReplaceSnapshot(kept, next(120))).toBe(true);
    expect(mayReplaceSnapshot(kept, next(121))).toBe(true);
    expect(mayReplaceSnapshot(kept, next(3, at(10, 9)))).toBe(true);
    expect(mayReplaceSnapshot(kept, next(3, at(12, 9)))).toBe(true);
  });

  it('lets anything replace no snapshot or an empty one', () => {
    expect(mayReplaceSnapshot(null, next(0))).toBe(true);
    expect(mayReplaceSnapshot({ reviews: 0, madeAt: at(10, 9) }, next(0))).toBe(true);
  });
});
