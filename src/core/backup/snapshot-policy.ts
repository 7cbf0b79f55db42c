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

export type SnapshotReason = 'daily' | 'before-replace' | 'before-merge';

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
 * Whether a Merge should first bring the snapshot up to date: some review was written after it
 * (a grade since the day's snapshot). A browser killed mid-import can lose its whole IndexedDB
 * store (Chromium's LevelDB; see README "Crashes during an import"), and the snapshot is then
 * all that is left: it must hold every review the learner made here. Reviews the file brings
 * are in the file.
 */
export function snapshotStaleForImport(last: Pick<SnapshotInfo, 'madeAt'> | null, latestReviewAt: number | null): boolean {
  if (latestReviewAt === null) return false;
  return !last || latestReviewAt >= last.madeAt;
}

/** What the collection a new snapshot would hold looks like. */
export interface NextSnapshot {
  reviews: number;
  /** When the learner last replaced the collection on this device (null: never, or undone). */
  lastReplaceAt: number | null;
}

/**
 * Whether a new snapshot may take the place of the one kept. The review log only grows, except
 * by a Replace (or an undo of the last grade), so fewer reviews than the snapshot holds means the
 * data was lost, unless a Replace since the snapshot explains it. Never an empty collection over
 * one with reviews: that is exactly what a wiped database looks like, and the snapshot is what
 * brings it back. Nor the few reviews of a learner who studied on after a wipe.
 */
export function mayReplaceSnapshot(kept: Pick<SnapshotInfo, 'reviews' | 'madeAt'> | null, next: NextSnapshot): boolean {
  if (!kept) return true;
  if (kept.reviews > 0 && next.reviews === 0) return false;
  if (next.reviews >= kept.reviews) return true;
  return next.lastReplaceAt !== null && next.lastReplaceAt >= kept.madeAt;
}
