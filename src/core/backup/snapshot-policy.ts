import { studyDay } from '../scheduling/day.ts';

/**
 * The rolling automatic snapshot: one copy of the collection (a backup file's content) kept
 * outside the main database, so a database the browser recreated empty can be brought back.
 */
export interface SnapshotInfo {
  /** When it was made (epoch ms). */
  madeAt: number;
  reviews: number;
  cards: number;
  /** Size as stored (compressed where the browser can). */
  bytes: number;
  compressed: boolean;
  /** Why it was made: the daily one, or just before a Replace. */
  reason: SnapshotReason;
}

export type SnapshotReason = 'daily' | 'before-replace';

export interface DueInput {
  /** The snapshot kept now, if any. */
  last: Pick<SnapshotInfo, 'madeAt'> | null;
  /** Whether the database holds any review: an empty collection is never worth a daily snapshot. */
  hasReviews: boolean;
  dayStartHour: number;
  now: number;
}

/**
 * Whether the daily snapshot is due: there are reviews, and the one kept (if any) was made on
 * an earlier study day. A snapshot stamped in a later study day (the clock was turned back) is
 * also replaced, so a wrong clock cannot freeze the snapshot for months.
 */
export function snapshotDue({ last, hasReviews, dayStartHour, now }: DueInput): boolean {
  if (!hasReviews) return false;
  if (!last || !Number.isFinite(last.madeAt)) return true;
  return studyDay(last.madeAt, dayStartHour).start !== studyDay(now, dayStartHour).start;
}

/**
 * Whether a new snapshot of `reviews` reviews may take the place of the one kept. Never an empty
 * collection over one that has reviews: that is exactly what a wiped database looks like, and the
 * snapshot is what brings it back.
 */
export function mayReplaceSnapshot(kept: Pick<SnapshotInfo, 'reviews'> | null, reviews: number): boolean {
  return !(kept && kept.reviews > 0 && reviews === 0);
}
