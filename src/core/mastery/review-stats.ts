import type { LogRating, MemoryPhase } from '../scheduling/fsrs.ts';
import { localDateKey, studyDay } from '../scheduling/day.ts';

/** The fields of a logged review that the statistics read. */
export interface ReviewStatRow {
  reviewedAt: number;
  /** 1–4 for a grade; 0 marks a card reset, which is logged but is not a review. */
  rating: LogRating;
  durationMs: number;
  before: { state: MemoryPhase };
}

/** Everything the statistics need from one study day's reviews. */
export interface DayTally {
  /** Log entries of the day, resets included (what an index count sees). */
  logged: number;
  /** Reviews (grades) of the day. */
  count: number;
  durationMs: number;
  /** Counts of Again, Hard, Good, Easy. */
  ratings: [number, number, number, number];
  /** Reviews of cards that were in the review state (true retention's denominator)… */
  matureReviews: number;
  /** …and those of them not graded Again. */
  maturePassed: number;
}

/**
 * Time spent counts a review for at most an hour: a card left open overnight is not study
 * time (and the stored tallies stay well inside 32-bit integers).
 */
export const MAX_COUNTED_DURATION_MS = 3_600_000;

export function countedDuration(durationMs: number): number {
  return durationMs > 0 ? Math.min(Math.round(durationMs), MAX_COUNTED_DURATION_MS) : 0;
}

export function emptyTally(): DayTally {
  return { logged: 0, count: 0, durationMs: 0, ratings: [0, 0, 0, 0], matureReviews: 0, maturePassed: 0 };
}

export function addToTally(tally: DayTally, row: ReviewStatRow): void {
  tally.logged++;
  if (!(row.rating >= 1 && row.rating <= 4)) return;
  tally.count++;
  tally.durationMs += countedDuration(row.durationMs);
  tally.ratings[row.rating - 1]!++;
  if (row.before.state === 2) {
    tally.matureReviews++;
    if (row.rating !== 1) tally.maturePassed++;
  }
}

/** Reviews tallied per study day, keyed by the study day's local date "YYYY-MM-DD". */
export function tallyReviewsByDay(rows: Iterable<ReviewStatRow>, dayStartHour: number): Map<string, DayTally> {
  const tallies = new Map<string, DayTally>();
  // Rows read through the reviewedAt index come in time order: recompute bounds only at a day change.
  let bounds = { start: 0, end: 0 };
  let tally = emptyTally();
  for (const row of rows) {
    if (row.reviewedAt < bounds.start || row.reviewedAt >= bounds.end) {
      bounds = studyDay(row.reviewedAt, dayStartHour);
      const key = localDateKey(bounds.start);
      let found = tallies.get(key);
      if (!found) {
        found = emptyTally();
        tallies.set(key, found);
      }
      tally = found;
    }
    addToTally(tally, row);
  }
  return tallies;
}

export interface StudyDayRange {
  /** Local date "YYYY-MM-DD" the study day begins on. */
  key: string;
  start: number;
  end: number;
}

/** The last `count` study days, oldest first, ending with the one containing `now`. */
export function recentStudyDays(now: number, dayStartHour: number, count: number): StudyDayRange[] {
  // Each day from the calendar fields of today's study day: one local-time conversion per day
  // rather than a dozen (Progress draws a year of days as it opens).
  const today = new Date(studyDay(now, dayStartHour).start);
  const [year, month, date] = [today.getFullYear(), today.getMonth(), today.getDate()];
  const pad = (n: number) => String(n).padStart(2, '0');
  const days: StudyDayRange[] = [];
  let end = new Date(year, month, date + 1, dayStartHour).getTime();
  for (let offset = 0; offset > -count; offset--) {
    const day = new Date(year, month, date + offset, dayStartHour);
    const start = day.getTime();
    days.push({ key: `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`, start, end });
    end = start;
  }
  return days.reverse();
}

export interface Streaks {
  /** Consecutive study days with a review, ending today, or yesterday while today has none yet. */
  current: number;
  longest: number;
  /** The run reaches the first day given, so it may be longer than the window shows. */
  currentMayBeLonger: boolean;
  longestMayBeLonger: boolean;
}

/** Streaks from reviews per study day, oldest first, the last entry being today. */
export function streaks(dailyCounts: readonly number[]): Streaks {
  let i = dailyCounts.length - 1;
  if (i >= 0 && dailyCounts[i] === 0) i--; // today without reviews yet does not break the streak
  let current = 0;
  while (i >= 0 && dailyCounts[i]! > 0) {
    current++;
    i--;
  }
  let longest = 0;
  let run = 0;
  let firstRun = -1;
  for (const count of dailyCounts) {
    if (count > 0) {
      run++;
      if (run > longest) longest = run;
    } else {
      if (firstRun < 0) firstRun = run;
      run = 0;
    }
  }
  if (firstRun < 0) firstRun = run;
  return {
    current,
    longest,
    currentMayBeLonger: current > 0 && i < 0,
    longestMayBeLonger: longest > 0 && firstRun === longest,
  };
}

export interface Retention {
  passed: number;
  total: number;
  /** null when no review-state card was reviewed in the window. */
  share: number | null;
}

export interface GradeSpread {
  /** Again, Hard, Good, Easy. */
  counts: [number, number, number, number];
  total: number;
  shares: [number, number, number, number];
}

export interface ReviewStatistics {
  /** The heatmap's days (the last 365 study days, oldest first) with their review counts. */
  days: { key: string; start: number; count: number }[];
  /** Reviews and study days with at least one review, over those days. */
  reviewsInYear: number;
  daysStudied: number;
  streaks: Streaks;
  retention: { last7: Retention; last30: Retention; last365: Retention };
  /** Time spent on each of the last 30 study days, oldest first. */
  timePerDay: { key: string; start: number; durationMs: number }[];
  /** Grades over the last 365 study days. */
  grades: GradeSpread;
}

export const STATS_WINDOW_DAYS = 365;

/**
 * Statistics over the last 365 study days (today included) from per-day tallies
 * (see tallyReviewsByDay); days without a tally had no reviews.
 */
export function reviewStatistics(tallies: ReadonlyMap<string, DayTally>, now: number, dayStartHour: number): ReviewStatistics {
  const days = recentStudyDays(now, dayStartHour, STATS_WINDOW_DAYS);
  const n = days.length;
  const empty = emptyTally();
  const dayTallies = days.map((d) => tallies.get(d.key) ?? empty);
  const retentionOver = (last: number): Retention => {
    let passed = 0;
    let total = 0;
    for (let i = n - last; i < n; i++) {
      passed += dayTallies[i]!.maturePassed;
      total += dayTallies[i]!.matureReviews;
    }
    return { passed, total, share: total ? passed / total : null };
  };
  const gradeCounts: [number, number, number, number] = [0, 0, 0, 0];
  let reviewsInYear = 0;
  let daysStudied = 0;
  for (const t of dayTallies) {
    reviewsInYear += t.count;
    if (t.count > 0) daysStudied++;
    for (let g = 0; g < 4; g++) gradeCounts[g]! += t.ratings[g]!;
  }
  const gradeTotal = gradeCounts[0] + gradeCounts[1] + gradeCounts[2] + gradeCounts[3];
  return {
    days: days.map((d, i) => ({ key: d.key, start: d.start, count: dayTallies[i]!.count })),
    reviewsInYear,
    daysStudied,
    streaks: streaks(dayTallies.map((t) => t.count)),
    retention: { last7: retentionOver(7), last30: retentionOver(30), last365: retentionOver(n) },
    timePerDay: days.slice(n - 30).map((d, i) => ({ key: d.key, start: d.start, durationMs: dayTallies[n - 30 + i]!.durationMs })),
    grades: {
      counts: gradeCounts,
      total: gradeTotal,
      shares: gradeCounts.map((c) => (gradeTotal ? c / gradeTotal : 0)) as [number, number, number, number],
    },
  };
}

/** Heatmap shade 0–4 for a day's count: 0 is no reviews, 4 the busiest quarter up to `max`. */
export function heatLevel(count: number, max: number): 0 | 1 | 2 | 3 | 4 {
  if (count <= 0 || max <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((count / max) * 4))) as 1 | 2 | 3 | 4;
}
