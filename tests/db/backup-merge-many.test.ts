import { describe, expect, it } from 'vitest';
import { openDatabase, startDerivedBuild, type CardRow, type RehearseDb } from '../../src/db/database.ts';
import { continueDerivedBuild } from '../../src/db/derived-build.ts';
import { importBackup } from '../../src/db/backup-repo.ts';
import { memoryOf, replayLog } from '../../src/db/cards-repo.ts';
import { loadCardDigest, loadCollectionSize } from '../../src/db/stats-repo.ts';
import { parseBackup } from '../../src/core/backup/parse-backup.ts';
import { digestCards } from '../../src/core/mastery/card-digest.ts';
import { TOTALS_BLOCK, type ReviewTallyRow } from '../../src/core/mastery/review-tally.ts';
import type { BackupCard, BackupReview } from '../../src/core/backup/backup-format.ts';
import { backupText, gradedCard, makeBackup, T0, DAY } from '../core/backup/backup-fixtures.ts';

/**
 * A merge that touches most of a collection: more cards than one replay batch, some read as one
 * cardId range and some one by one. Its cards' logs gain reviews in three ways: the backup holds
 * the whole log plus later reviews (the file's own replay is reused), the backup's reviews fall
 * between this device's (the joined log is replayed), or the card is new to this device.
 */
const CARDS = 2_000;
const id = (i: number) => `own-q${String(i).padStart(5, '0')}#answer`;
const HOUR = 3_600_000;

type Role = 'extends' | 'interleaves' | 'untouched';
function roleOf(i: number): Role {
  // Dense at first (cards read as one range), then sparse (cards read one by one).
  if (i < 1_500) return i % 3 === 0 ? 'untouched' : i % 3 === 1 ? 'extends' : 'interleaves';
  return i % 5 === 0 ? 'interleaves' : 'untouched';
}

async function device(): Promise<RehearseDb> {
  const db = openDatabase(`merge-many-${Math.random()}`);
  const cards: CardRow[] = [];
  const reviews: BackupReview[] = [];
  for (let i = 0; i < CARDS; i++) {
    const local = gradedCard(id(i), [3, 1, 3], T0 + (i % 7) * HOUR, `c${i}`);
    cards.push({ ...local.card, bucket: 1 });
    reviews.push(...local.reviews);
  }
  await db.transaction('rw', db.cards, db.reviews, async () => {
    await db.cards.bulkPut(cards);
    await db.reviews.bulkAdd(reviews);
  });
  return db;
}

function otherDevicesBackup() {
  const cards: BackupCard[] = [];
  const reviews: BackupReview[] = [];
  let added = 0;
  for (let i = 0; i < CARDS; i++) {
    const role = roleOf(i);
    if (role === 'untouched') continue;
    // Same ids as this device for the first three grades: the same grades, then two more.
    const graded =
      role === 'extends'
        ? gradedCard(id(i), [3, 1, 3, 3, 4], T0 + (i % 7) * HOUR, `c${i}`)
        : gradedCard(id(i), [4, 2], T0 + (i % 7) * HOUR + 30 * 60_000, `o${i}`);
    cards.push(graded.card);
    reviews.push(...graded.reviews);
    added += 2;
  }
  for (let i = 0; i < 300; i++) {
    const graded = gradedCard(`own-new${String(i).padStart(4, '0')}#answer`, [3, 3], T0 + DAY, `n${i}`);
    cards.push(graded.card);
    reviews.push(...graded.reviews);
    added += 2;
  }
  const parsed = parseBackup(backupText(makeBackup({ cards, reviews, notes: [], flags: [], customQuestions: [] })));
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return { parsed, added, newCards: 300 };
}

/** The derived tables as what they say (slots and chunk layout aside). */
async function derivedView(db: RehearseDb) {
  const digest = new Map<string, unknown>();
  for (const c of digestCards(await loadCardDigest(db))) digest.set(c.id, { ...c });
  const tallies = ((await db.reviewTallies.toArray()) as ReviewTallyRow[])
    .filter((row) => row.block === TOTALS_BLOCK || row.values.some((v) => v !== 0))
    .map((row) => ({ block: row.block, values: [...row.values] }))
    .sort((a, b) => a.block - b.block);
  return { digest, tallies, size: await loadCollectionSize(db) };
}

describe('merging a backup that touches most cards', () => {
  it('leaves every card equal to the replay of its log, each review once, and the derived tables as a full rebuild makes them', async () => {
    const db = await device();
    try {
      const { parsed, added, newCards } = otherDevicesBackup();
      const now = T0 + 60 * DAY;
      const result = await importBackup(db, parsed.value, 'merge', now, undefined, parsed.replayed);
      expect(result.added.reviews).toBe(added);
      expect(result.added.cards).toBe(newCards);
      expect(result.notReplayed).toEqual([]);

      const [cards, reviews] = [await db.cards.toArray(), await db.reviews.toArray()];
      expect(cards).toHaveLength(CARDS + newCards);
      expect(reviews).toHaveLength(CARDS * 3 + added);
      const truth = await replayLog(db);
      expect(truth.size).toBe(cards.length);
      for (const card of cards) expect(memoryOf(card), card.id).toEqual(truth.get(card.id));
      // The joined logs really changed the states (not only the new cards').
      const interleaved = cards.find((c) => c.id === id(2))!;
      expect(interleaved.reps).toBe(5);

      const afterMerge = await derivedView(db);
      await db.transaction('rw', [db.cardDigest, db.cardSlots, db.reviewTallies, db.ownSummaries, db.cards, db.reviews, db.customQuestions, db.settings], (tx) =>
        startDerivedBuild(tx),
      );
      await continueDerivedBuild(db);
      expect(afterMerge).toEqual(await derivedView(db));
      expect(afterMerge.size).toEqual({ cards: CARDS + newCards, reviews: CARDS * 3 + added });

      // The same file again adds nothing and changes no card.
      const again = await importBackup(db, parsed.value, 'merge', now + DAY);
      expect(again.added.reviews).toBe(0);
      expect(await db.cards.toArray()).toEqual(cards);
    } finally {
      await db.delete();
    }
  }, 300_000);
});
