import { countedDuration, emptyTally, type DayTally, type ReviewStatRow, type StudyDayRange } from './review-stats.ts';

/**
 * Review statistics kept as they happen, so Progress never reads the review log.
 *
 * One row per block of 8 UTC days holds, for each quarter hour, the counts the statistics
 * need. Quarter hours, because every time zone in use is a whole number of quarter hours
 * from UTC: any study day (any zone, any day-start hour, either side of a DST change) is an
 * exact run of quarters, so the tallies survive a move or a settings change. Blocks of 8
 * days, because IndexedDB's cost is mostly per row: a year is 46 rows, not 365, and each
 * stays under 64 KB (Chromium stores larger values as separate files).
 */
export const DAY_MS = 86_400_000;
export const QUARTER_MS = 900_000;
export const QUARTERS_PER_DAY = 96;
export const DAYS_PER_BLOCK = 8;
const QUARTERS_PER_BLOCK = QUARTERS_PER_DAY * DAYS_PER_BLOCK;
const BLOCK_MS = DAY_MS * DAYS_PER_BLOCK;

/**
 * Per quarter: time, Again, Hard, Good, Easy, mature reviews, mature passed (reviews are
 * the four grades' sum). Whole numbers, so 32-bit integers: half the bytes of doubles.
 */
const FIELD = { durationMs: 0, ratings: 1, matureReviews: 5, maturePassed: 6 } as const;
export const TALLY_FIELDS = 7;

export interface ReviewTallyRow {
  /** Blocks of DAYS_PER_BLOCK UTC days since the epoch; TOTALS_BLOCK for the all-time totals. */
  block: number;
  values: Uint32Array;
}

export function emptyTallyRow(block: number): ReviewTallyRow {
  return { block, values: new Uint32Array(QUARTERS_PER_BLOCK * TALLY_FIELDS) };
}

function reviewsAt(v: Uint32Array, base: number): number {
  return v[base + FIELD.ratings]! + v[base + FIELD.ratings + 1]! + v[base + FIELD.ratings + 2]! + v[base + FIELD.ratings + 3]!;
}

export function tallyBlockOf(time: number): number {
  return Math.floor(time / BLOCK_MS);
}

/**
 * Adds (sign 1) or removes (sign -1) one log entry. Resets (rating 0) and rows that are
 * not reviews change nothing, as in addToTally.
 */
export function applyToTallyRow(row: ReviewTallyRow, review: ReviewStatRow, sign: 1 | -1): void {
  if (!isTallied(review)) return;
  const quarter = Math.floor((review.reviewedAt - row.block * BLOCK_MS) / QUARTER_MS);
  if (quarter < 0 || quarter >= QUARTERS_PER_BLOCK) throw new RangeError(`Review at ${review.reviewedAt} is not in block ${row.block}`);
  addAt(row.values, quarter * TALLY_FIELDS, review, sign);
}

/** Whether a log entry is a review the tallies count. */
export function isTallied(review: ReviewStatRow): boolean {
  return review.rating >= 1 && review.rating <= 4 && Number.isFinite(review.reviewedAt);
}

/** The all-time totals: one row under this block number, a single "quarter" of fields. */
export const TOTALS_BLOCK = -1;

export function emptyTotalsRow(): ReviewTallyRow {
  return { block: TOTALS_BLOCK, values: new Uint32Array(TALLY_FIELDS) };
}

export function applyToTotals(row: ReviewTallyRow, review: ReviewStatRow, sign: 1 | -1): void {
  if (isTallied(review)) addAt(row.values, 0, review, sign);
}

/**
 * Applies one log entry to its block's row (created in `rows` when missing) and to the
 * totals: what both the live upkeep and the upgrade's full build do per review.
 */
export function tallyInto(rows: Map<number, ReviewTallyRow>, totals: ReviewTallyRow, review: ReviewStatRow, sign: 1 | -1): void {
  if (!isTallied(review)) return;
  const block = tallyBlockOf(review.reviewedAt);
  let row = rows.get(block);
  if (!row) rows.set(block, (row = emptyTallyRow(block)));
  applyToTallyRow(row, review, sign);
  applyToTotals(totals, review, sign);
}

/** Reviews counted in a totals row. */
export function totalReviews(row: ReviewTallyRow | undefined): number {
  return row ? reviewsAt(row.values, 0) : 0;
}

function addAt(v: Uint32Array, base: number, review: ReviewStatRow, sign: 1 | -1): void {
  v[base + FIELD.durationMs]! += sign * countedDuration(review.durationMs);
  v[base + FIELD.ratings + review.rating - 1]! += sign;
  if (review.before?.state === 2) {
    v[base + FIELD.matureReviews]! += sign;
    if (review.rating !== 1) v[base + FIELD.maturePassed]! += sign;
  }
}

/** The blocks whose rows cover the given study days. */
export function tallyRowSpan(days: readonly StudyDayRange[]): { first: number; last: number } | null {
  if (!days.length) return null;
  return { first: tallyBlockOf(days[0]!.start), last: tallyBlockOf(days[days.length - 1]!.end - 1) };
}

/**
 * Tallies per study day (same order as `days`, which must be contiguous, oldest first)
 * from the rows covering them.
 */
export function studyDayTallies(rows: readonly ReviewTallyRow[], days: readonly StudyDayRange[]): DayTally[] {
  const out = days.map(() => emptyTally());
  if (!days.length) return out;
  const sorted = [...rows].sort((a, b) => a.block - b.block);
  let d = 0;
  for (const row of sorted) {
    const v = row.values;
    for (let q = 0; q < QUARTERS_PER_BLOCK; q++) {
      const base = q * TALLY_FIELDS;
      const count = reviewsAt(v, base);
      if (!count) continue;
      const time = row.block * BLOCK_MS + q * QUARTER_MS;
      while (d < days.length && time >= days[d]!.end) d++;
      if (d >= days.length) return out;
      if (time < days[d]!.start) continue;
      const t = out[d]!;
      t.logged += count;
      t.count += count;
      t.durationMs += v[base + FIELD.durationMs]!;
      for (let g = 0; g < 4; g++) t.ratings[g]! += v[base + FIELD.ratings + g]!;
      t.matureReviews += v[base + FIELD.matureReviews]!;
      t.maturePassed += v[base + FIELD.maturePassed]!;
    }
  }
  return out;
}

/** Tallies as the statistics take them: by study day key, days without reviews left out. */
export function talliesByDayKey(rows: readonly ReviewTallyRow[], days: readonly StudyDayRange[]): Map<string, DayTally> {
  const tallies = studyDayTallies(rows, days);
  const map = new Map<string, DayTally>();
  days.forEach((day, i) => tallies[i]!.count && map.set(day.key, tallies[i]!));
  return map;
}
