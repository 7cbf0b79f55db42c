import type { RehearseDb, CardRow } from './database.ts';
import { getMeta, setMeta } from './settings-repo.ts';
import {
  STATS_WINDOW_DAYS,
  addToTally,
  emptyTally,
  recentStudyDays,
  type DayTally,
  type StudyDayRange,
} from '../core/mastery/review-stats.ts';

/**
 * Reads for the Progress screen and the Today line.
 *
 * Reading a year of review rows costs seconds at a million reviews, so the tallies of
 * finished study days are kept (in memory and under one settings key) and reused while
 * the number of log entries on that day is unchanged. A load then costs one index count
 * over the year plus today's rows; a day whose count changed (a merged backup, an undo
 * just after the day boundary) is read again. A restore that swaps a day's reviews for
 * the same number of others would go unnoticed: call clearReviewTallyCache after it.
 */

const CACHE_KEY = 'reviewDayTallies';
/** Finished days' tallies by day start; `end` pins the boundaries (time zone, day-start hour). */
type TallyCache = Map<number, { end: number; tally: DayTally }>;
/** Stored as rows of numbers: [start, end, logged, count, durationMs, again, hard, good, easy, mature, maturePassed]. */
type StoredTallyCache = { version: 1; days: number[][] };

const memory = new WeakMap<RehearseDb, TallyCache>();

function decodeCache(stored: unknown): TallyCache {
  const cache: TallyCache = new Map();
  const value = stored as StoredTallyCache | undefined;
  if (!value || value.version !== 1 || !Array.isArray(value.days)) return cache;
  for (const row of value.days) {
    if (!Array.isArray(row) || row.length !== 11 || !row.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) continue;
    const [start, end, logged, count, durationMs, a, h, g, e, mature, maturePassed] = row as number[] as [number, number, number, number, number, number, number, number, number, number, number];
    cache.set(start, { end, tally: { logged, count, durationMs, ratings: [a, h, g, e], matureReviews: mature, maturePassed } });
  }
  return cache;
}

function encodeCache(cache: TallyCache): StoredTallyCache {
  return {
    version: 1,
    days: [...cache].map(([start, { end, tally: t }]) => [start, end, t.logged, t.count, t.durationMs, ...t.ratings, t.matureReviews, t.maturePassed]),
  };
}

/**
 * Loads the stored tallies into memory. Call it outside a live query: the live query
 * must not watch the key that saveReviewTallyCache writes, or each save would re-run it.
 */
export async function primeReviewTallyCache(db: RehearseDb): Promise<void> {
  if (!memory.has(db)) memory.set(db, decodeCache(await getMeta(db, CACHE_KEY)));
}

/** Stores the tallies the last load computed, so the next visit skips the heavy read. */
export async function saveReviewTallyCache(db: RehearseDb): Promise<void> {
  const cache = memory.get(db);
  if (cache) await setMeta(db, CACHE_KEY, encodeCache(cache));
}

/** Forgets the stored tallies (e.g. after replacing the review log wholesale). */
export async function clearReviewTallyCache(db: RehearseDb): Promise<void> {
  memory.delete(db);
  await db.settings.delete(`meta:${CACHE_KEY}`);
}

export interface ProgressData {
  /** The time everything was computed at. */
  at: number;
  cards: CardRow[];
  /**
   * Review tallies of the last 365 study days by local date key (days without reviews
   * are left out), except the days in `missingDays`.
   */
  tallies: Map<string, DayTally>;
  /** Finished days whose reviews were never tallied or have changed: see tallyReviewDays. */
  missingDays: StudyDayRange[];
  /** The tallies in memory changed: store them with saveReviewTallyCache. */
  cacheChanged: boolean;
}

function reviewsBetween(db: RehearseDb, start: number, end: number) {
  return db.reviews.where('reviewedAt').between(start, end, true, false);
}

/** Tallies of the given days (contiguous, oldest first) from their review rows. */
async function tallyDays(db: RehearseDb, days: readonly StudyDayRange[]): Promise<DayTally[]> {
  const tallies = days.map(() => emptyTally());
  if (!days.length) return tallies;
  const rows = await reviewsBetween(db, days[0]!.start, days[days.length - 1]!.end).toArray();
  let d = 0;
  for (const row of rows) {
    while (row.reviewedAt >= days[d]!.end) d++;
    addToTally(tallies[d]!, row);
  }
  return tallies;
}

/** Runs of consecutive days, at most `max` long, so no single read holds months of rows. */
function runsOf(days: readonly StudyDayRange[], max = 31): StudyDayRange[][] {
  const runs: StudyDayRange[][] = [];
  let run: StudyDayRange[] = [];
  for (const day of days) {
    if (run.length && (run.length >= max || run[run.length - 1]!.end !== day.start)) {
      runs.push(run);
      run = [];
    }
    run.push(day);
  }
  if (run.length) runs.push(run);
  return runs;
}

/**
 * What the Progress screen reads in its live query, in one transaction: every card
 * (mastery needs each card's memory state), today's reviews, and index counts that tell
 * which stored day tallies still hold. It never reads a finished day's rows: those are
 * left in `missingDays` for tallyReviewDays, which runs outside the live query so the
 * query does not watch (and Dexie does not track) hundreds of thousands of rows.
 */
export async function loadProgressData(db: RehearseDb, now: number, dayStartHour: number): Promise<ProgressData> {
  const days = recentStudyDays(now, dayStartHour, STATS_WINDOW_DAYS);
  const today = days[days.length - 1]!;
  const past = days.slice(0, -1);
  const cache = memory.get(db) ?? new Map();
  return db.transaction('r', db.cards, db.reviews, async () => {
    const [cards, todayTallies, pastTotal] = await Promise.all([
      db.cards.toArray(),
      tallyDays(db, [today]),
      reviewsBetween(db, past[0]!.start, today.start).count(),
    ]);
    const known: (DayTally | undefined)[] = past.map((d) => {
      const hit = cache.get(d.start);
      return hit && hit.end === d.end ? hit.tally : undefined;
    });
    let cacheChanged = false;
    if (!known.every(Boolean) || known.reduce((sum, t) => sum + t!.logged, 0) !== pastTotal) {
      // Something changed: count each day to find which (counting is cheap, reading rows is not).
      cacheChanged = true;
      const liveCounts = await Promise.all(past.map((d) => reviewsBetween(db, d.start, d.end).count()));
      liveCounts.forEach((count, i) => {
        if (count === 0) known[i] = emptyTally();
        else if (known[i]?.logged !== count) known[i] = undefined;
      });
      const window: TallyCache = new Map();
      past.forEach((d, i) => known[i] && window.set(d.start, { end: d.end, tally: known[i]! }));
      memory.set(db, window);
    }
    const tallies = new Map<string, DayTally>();
    past.forEach((d, i) => known[i]?.count && tallies.set(d.key, known[i]!));
    if (todayTallies[0]!.count) tallies.set(today.key, todayTallies[0]!);
    return { at: now, cards, tallies, missingDays: past.filter((_, i) => !known[i]), cacheChanged };
  });
}

/**
 * Reads and tallies the given finished days (from ProgressData.missingDays), keeps the
 * result in memory for the next load, and returns the tallies of days with reviews.
 * Call it outside a live query.
 */
export async function tallyReviewDays(db: RehearseDb, days: readonly StudyDayRange[]): Promise<Map<string, DayTally>> {
  const result = new Map<string, DayTally>();
  let cache = memory.get(db);
  if (!cache) memory.set(db, (cache = new Map()));
  for (const run of runsOf(days)) {
    const tallies = await db.transaction('r', db.reviews, () => tallyDays(db, run));
    run.forEach((day, i) => {
      cache.set(day.start, { end: day.end, tally: tallies[i]! });
      if (tallies[i]!.count) result.set(day.key, tallies[i]!);
    });
  }
  return result;
}


/**
 * 1 for each recent study day with at least one review, else 0 (oldest first), enough for
 * streaks. Asks "is there a review that day?" (one row) instead of counting the day's rows:
 * IndexedDB counts by walking the index, which costs minutes over a year of heavy use.
 */
export async function loadRecentActiveDays(db: RehearseDb, now: number, dayStartHour: number, maxDays = STATS_WINDOW_DAYS): Promise<number[]> {
  const days = recentStudyDays(now, dayStartHour, maxDays);
  return db.transaction('r', db.reviews, async () => {
    const active: number[] = [];
    for (let end = days.length; end > 0; end -= 30) {
      const batch = days.slice(Math.max(0, end - 30), end);
      const found = await Promise.all(
        batch.map((d) => reviewsBetween(db, d.start, d.end).filter((r) => r.rating !== 0).first()),
      );
      active.unshift(...found.map((row) => (row ? 1 : 0)));
      if (active.slice(0, -1).includes(0)) break;
    }
    return active;
  });
}

/**
 * Every card, for mastery (the Today line). An explicit transaction keeps Dexie's live
 * query cache from cloning and holding a copy of every row.
 */
export function loadAllCards(db: RehearseDb): Promise<CardRow[]> {
  return db.transaction('r', db.cards, () => db.cards.toArray());
}
