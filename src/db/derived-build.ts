import type { RehearseDb, CardRow, ReviewRow } from './database.ts';
import {
  ALLOCATOR_CHUNK,
  BUILD_CURSOR,
  type CardSlotRow,
  type DigestBuildCursor,
  type SlotAllocatorRow,
  type TallyBuildCursor,
} from './derived-tables.ts';
import { chunkOfSlot, emptyDigestChunk, writeDigestEntry, type CardDigestChunk } from '../core/mastery/card-digest.ts';
import { emptyTotalsRow, isTallied, tallyBlockOf, tallyInto, TOTALS_BLOCK, type ReviewTallyRow } from '../core/mastery/review-tally.ts';

/**
 * The first build of the card digest and the review tallies after the version 3 upgrade
 * (database.ts startDerivedBuild), in small transactions: each one counts the next page of
 * rows in id order and moves the cursor in the same commit, so a crash or a closed tab
 * resumes where it stopped, and grades can run between pages. The middleware
 * (derived-tables.ts) keeps the counted part current; rows beyond the cursor are read as
 * they are when the builder reaches them.
 */

export interface DerivedBuildState {
  /** Cards given a digest slot so far, and whether all of them are. */
  cards: number;
  cardsDone: boolean;
  /** Log rows counted into the tallies so far. */
  reviews: number;
  reviewsDone: boolean;
}

/** Where an unfinished build stands, or null when the derived tables are complete. */
export async function loadDerivedBuild(db: RehearseDb): Promise<DerivedBuildState | null> {
  const [cards, reviews] = await db.transaction('r', db.cardDigest, db.reviewTallies, () =>
    Promise.all([
      db.cardDigest.get(BUILD_CURSOR) as Promise<DigestBuildCursor | undefined>,
      db.reviewTallies.get(BUILD_CURSOR) as Promise<TallyBuildCursor | undefined>,
    ]),
  );
  if (!cards && !reviews) return null;
  return { cards: cards?.counted ?? 0, cardsDone: !cards, reviews: reviews?.counted ?? 0, reviewsDone: !reviews };
}

/** Gives the next page of cards their slots and digest entries; false once every card has one. */
export async function buildDigestStep(db: RehearseDb, pageSize: number): Promise<boolean> {
  return db.transaction('rw', [db.cards, db.cardDigest, db.cardSlots], async () => {
    const cursor = (await db.cardDigest.get(BUILD_CURSOR)) as DigestBuildCursor | undefined;
    if (!cursor) return false;
    const page: CardRow[] = await db.cards.where(':id').above(cursor.after).limit(pageSize).toArray();
    if (page.length) {
      const owned = (await db.cardSlots.bulkGet(page.map((c) => c.id))) as (CardSlotRow | undefined)[];
      const allocator: SlotAllocatorRow = {
        chunk: ALLOCATOR_CHUNK,
        nextSlot: 0,
        cards: 0,
        ...((await db.cardDigest.get(ALLOCATOR_CHUNK)) as SlotAllocatorRow | undefined),
      };
      const newSlots: CardSlotRow[] = [];
      const slots = page.map((card, i) => {
        const have = owned[i]?.slot;
        if (have !== undefined) return have;
        const slot = allocator.nextSlot++;
        allocator.cards++;
        newSlots.push({ id: card.id, slot });
        return slot;
      });
      const wanted = [...new Set(slots.map(chunkOfSlot))];
      const found = (await db.cardDigest.bulkGet(wanted)) as (CardDigestChunk | undefined)[];
      const chunks = new Map(wanted.map((n, i) => [n, found[i] ?? emptyDigestChunk(n)]));
      page.forEach((card, i) => writeDigestEntry(chunks.get(chunkOfSlot(slots[i]!))!, slots[i]!, card));
      await db.cardDigest.bulkPut([...chunks.values(), allocator]);
      await db.cardSlots.bulkPut(newSlots);
    }
    const more = page.length === pageSize;
    if (more) await db.cardDigest.put(nextCursor(cursor, page) as DigestBuildCursor & CardDigestChunk);
    else await db.cardDigest.delete(BUILD_CURSOR);
    return more;
  });
}

/** Counts the next page of the review log into the tallies; false once the whole log is counted. */
export async function buildTalliesStep(db: RehearseDb, pageSize: number): Promise<boolean> {
  return db.transaction('rw', [db.reviews, db.reviewTallies], async () => {
    const cursor = (await db.reviewTallies.get(BUILD_CURSOR)) as TallyBuildCursor | undefined;
    if (!cursor) return false;
    const page: ReviewRow[] = await db.reviews.where(':id').above(cursor.after).limit(pageSize).toArray();
    const counted = page.filter(isTallied);
    if (counted.length) {
      const blocks = [...new Set(counted.map((r) => tallyBlockOf(r.reviewedAt)))];
      const found = (await db.reviewTallies.bulkGet([TOTALS_BLOCK, ...blocks])) as (ReviewTallyRow | undefined)[];
      const totals = found[0] ?? emptyTotalsRow();
      const rows = new Map<number, ReviewTallyRow>();
      blocks.forEach((block, i) => found[i + 1] && rows.set(block, found[i + 1]!));
      for (const review of counted) tallyInto(rows, totals, review, 1);
      await db.reviewTallies.bulkPut([totals, ...rows.values()]);
    }
    const more = page.length === pageSize;
    if (more) await db.reviewTallies.put(nextCursor(cursor, page) as TallyBuildCursor & ReviewTallyRow);
    else await db.reviewTallies.delete(BUILD_CURSOR);
    return more;
  });
}

/** The cursor moved past a full page (typed loosely: Dexie's insert types do not take a union's rarer member). */
function nextCursor<C extends { after: string; counted: number }>(cursor: C, page: { id: string }[]): C {
  return { ...cursor, after: page[page.length - 1]!.id, counted: cursor.counted + page.length };
}

export interface DerivedBuildOptions {
  /** Cards per step (each a transaction of its own). */
  cardPage?: number;
  /** Log rows per step. */
  reviewPage?: number;
  /** Awaited between steps, so the page stays responsive (the app passes an idle wait). */
  pause?: () => Promise<void>;
  /** Stops after the current step. */
  signal?: AbortSignal;
}

/** Runs the build to its end (or until `signal` aborts); safe to run in several tabs at once. */
export async function continueDerivedBuild(db: RehearseDb, options: DerivedBuildOptions = {}): Promise<void> {
  const { cardPage = 2000, reviewPage = 5000, pause = () => Promise.resolve(), signal } = options;
  while (!signal?.aborted && (await buildDigestStep(db, cardPage))) await pause();
  while (!signal?.aborted && (await buildTalliesStep(db, reviewPage))) await pause();
}
