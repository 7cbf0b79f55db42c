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
 * the number of reviews logged on that day is unchanged. Each read costs one count over
 * the year plus today's rows; a day whose count changed (a merged backup, an undo just
 * after the day boundary) is read again.
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
  /** Review tallies of the last 365 study days by local date key; missing days had none. */
  tallies: Map<string, DayTally>;
  /** New tallies were computed: save them with saveReviewTallyCache. */
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
function runsOf(days: readonly StudyDayRange[], isWanted: (index: number) => boolean, max = 31): StudyDayRange[][] {
  const runs: StudyDayRange[][] = [];
  let run: StudyDayRange[] = [];
  days.forEach((day, i) => {
    if (isWanted(i) && run.length < max && (!run.length || run[run.length - 1]!.end === day.start)) {
      run.push(day);
      return;
    }
    if (run.length) runs.push(run);
    run = isWanted(i) ? [day] : [];
  });
  if (run.length) runs.push(run);
  return runs;
}

/**
 * Everything the Progress screen shows, read in one transaction: every card (mastery
 * needs each card's memory state) and the review tallies of the last 365 study days.
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
    const cached = past.map((d) => {
      const hit = cache.get(d.start);
      return hit && hit.end === d.end ? hit.tally : undefined;
    });
    const fresh: DayTally[] = past.map((_, i) => cached[i] ?? emptyTally());
    let stale: boolean[] = past.map(() => false);
    let cacheChanged = false;
    if (!cached.every(Boolean) || cached.reduce((sum, t) => sum + t!.logged, 0) !== pastTotal) {
      // Something changed: count each day to find which (counting is cheap, reading rows is not).
      cacheChanged = true;
      const liveCounts = await Promise.all(past.map((d) => reviewsBetween(db, d.start, d.end).count()));
      stale = liveCounts.map((count, i) => count > 0 && cached[i]?.logged !== count);
      liveCounts.forEach((count, i) => count === 0 && (fresh[i] = emptyTally()));
    }
    for (const run of runsOf(past, (i) => stale[i]!)) {
      const tallies = await tallyDays(db, run);
      const first = past.indexOf(run[0]!);
      tallies.forEach((t, k) => (fresh[first + k] = t));
    }
    if (cacheChanged) memory.set(db, new Map(past.map((d, i) => [d.start, { end: d.end, tally: fresh[i]! }])));
    const tallies = new Map<string, DayTally>();
    past.forEach((d, i) => fresh[i]!.count && tallies.set(d.key, fresh[i]!));
    if (todayTallies[0]!.count) tallies.set(today.key, todayTallies[0]!);
    return { at: now, cards, tallies, cacheChanged };
  });
}

/**
 * Log entries per study day, oldest first and ending today, going back only until a day
 * without any (before today) is found, or `maxDays`: enough for the current streak.
 * Index counts cannot tell a card reset from a grade, so a day whose only entry is a
 * reset counts here; the Progress screen's figures read the rows and are exact.
 */
export async function loadRecentDailyCounts(db: RehearseDb, now: number, dayStartHour: number, maxDays = STATS_WINDOW_DAYS): Promise<number[]> {
  const days = recentStudyDays(now, dayStartHour, maxDays);
  return db.transaction('r', db.reviews, async () => {
    const counts: number[] = [];
    for (let end = days.length; end > 0; end -= 30) {
      const batch = days.slice(Math.max(0, end - 30), end);
      const batchCounts = await Promise.all(batch.map((d) => reviewsBetween(db, d.start, d.end).count()));
      counts.unshift(...batchCounts);
      if (counts.slice(0, -1).includes(0)) break;
    }
    return counts;
  });
}

/** Every card, for mastery (the Today line). */
export function loadAllCards(db: RehearseDb): Promise<CardRow[]> {
  return db.cards.toArray();
}
