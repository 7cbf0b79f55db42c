import type { RehearseDb } from './database.ts';
import { ALLOCATOR_CHUNK, BUILD_CURSOR, type SlotAllocatorRow } from './derived-tables.ts';
import type { CardDigestChunk } from '../core/mastery/card-digest.ts';
import { STATS_WINDOW_DAYS, recentStudyDays, type DayTally } from '../core/mastery/review-stats.ts';
import { isTallied, studyDayTallies, talliesByDayKey, tallyRowSpan, totalReviews, TOTALS_BLOCK, type ReviewTallyRow } from '../core/mastery/review-tally.ts';

/**
 * Reads for the Progress screen and the Today line. Both come from the derived tables
 * (derived-tables.ts), never from the cards or the review log themselves: a hundred
 * chunks of typed arrays for every card's memory state, and rows of quarter-hour counts
 * (8 days each) for a year of reviews.
 */

export interface CardProgressData {
  /** The time mastery is computed at. */
  at: number;
  /** Every card's digest (see core/mastery/card-digest.ts digestCards). */
  digest: CardDigestChunk[];
}

function digestChunks(db: RehearseDb) {
  return db.cardDigest.where('chunk').above(ALLOCATOR_CHUNK).toArray() as Promise<CardDigestChunk[]>;
}

function tallyRows(db: RehearseDb, first: number, last: number): Promise<ReviewTallyRow[]> {
  // Day blocks are never negative, so neither the totals nor a build cursor is in range.
  return db.reviewTallies.where('block').between(Math.max(0, first), last, true, true).toArray() as Promise<ReviewTallyRow[]>;
}

/** What Progress's mastery, readiness and forecast need: every card's digest. */
export async function loadCardProgress(db: RehearseDb, now: number): Promise<CardProgressData> {
  return { at: now, digest: await loadCardDigest(db) };
}

/**
 * Review tallies of the last 365 study days by local date key (days without reviews left
 * out), for Progress's statistics. Read apart from the digest so mastery shows first.
 */
export async function loadReviewTallies(db: RehearseDb, now: number, dayStartHour: number): Promise<Map<string, DayTally>> {
  const days = recentStudyDays(now, dayStartHour, STATS_WINDOW_DAYS);
  const span = tallyRowSpan(days)!;
  const rows = await db.transaction('r', db.reviewTallies, () => tallyRows(db, span.first, span.last));
  return talliesByDayKey(rows, days);
}

/** Every card's digest, for mastery (the Today line). */
export function loadCardDigest(db: RehearseDb): Promise<CardDigestChunk[]> {
  return db.transaction('r', db.cardDigest, () => digestChunks(db));
}

/** Reviews on each recent study day, oldest first, the last being today: enough for streaks. */
export async function loadRecentReviewCounts(db: RehearseDb, now: number, dayStartHour: number, maxDays = STATS_WINDOW_DAYS): Promise<number[]> {
  const days = recentStudyDays(now, dayStartHour, maxDays);
  const span = tallyRowSpan(days)!;
  const rows: ReviewTallyRow[] = await db.transaction('r', db.reviewTallies, () => tallyRows(db, span.first, span.last));
  return studyDayTallies(rows, days).map((t) => t.count);
}

/**
 * How many cards and reviews (grades, resets not included) the collection holds, from the
 * derived tables' running totals: IndexedDB's count() walks a million rows for seconds, so
 * it is only used while the first build after an upgrade has not counted everything yet.
 * Call it inside a transaction over cards, reviews, cardDigest and reviewTallies, or on its own.
 */
export async function loadCollectionSize(db: RehearseDb): Promise<{ cards: number; reviews: number }> {
  const [allocator, totals, digestBuild, tallyBuild] = await Promise.all([
    db.cardDigest.get(ALLOCATOR_CHUNK),
    db.reviewTallies.get(TOTALS_BLOCK),
    db.cardDigest.get(BUILD_CURSOR),
    db.reviewTallies.get(BUILD_CURSOR),
  ]);
  const [cards, reviews] = await Promise.all([
    digestBuild ? db.cards.count() : (allocator as SlotAllocatorRow | undefined)?.cards ?? 0,
    tallyBuild ? db.reviews.filter(isTallied).count() : totalReviews(totals as ReviewTallyRow | undefined),
  ]);
  return { cards, reviews };
}
