import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { gradeCard, memoryOf, replayLog, sortReviews, syncBankCards, undoReview, UndoRefusedError } from '../../src/db/cards-repo.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import { makeQuestion } from '../fixtures.ts';

const T0 = new Date(2026, 4, 10, 9, 0).getTime();
const CARD = 'py-a#answer';
let n = 0;
let tabA: RehearseDb;
let tabB: RehearseDb;

// Two tabs: two Dexie instances over one (fake) IndexedDB database.
beforeEach(async () => {
  const name = `concurrent-grades-${++n}`;
  tabA = openDatabase(name);
  tabB = openDatabase(name);
  await syncBankCards(tabA, { version: 'v1', questions: [makeQuestion('py-a')] }, T0);
  await tabB.open();
});

afterEach(() => {
  tabA.close();
  tabB.close();
});

const gradeIn = (db: RehearseDb, rating: 1 | 2 | 3 | 4, now: number) =>
  gradeCard(db, { cardId: CARD, rating, now, durationMs: 1000, settings: DEFAULT_SETTINGS });

describe('two tabs grading one card in the same millisecond', () => {
  it('keep both grades, in commit order, and the card equals a replay of its log', async () => {
    for (let round = 0; round < 5; round++) {
      const now = T0 + round * 86_400_000;
      const [a, b] = await Promise.all([gradeIn(tabA, 3, now), gradeIn(tabB, 1, now)]);
      // The grade that committed second started from the first one's result…
      const [first, second] = a.review.reviewedAt < b.review.reviewedAt ? [a, b] : [b, a];
      expect(second.review.before).toEqual(memoryOf(first.card));
      // …and is logged after it, so replay applies them in the order they committed.
      expect(second.review.reviewedAt).toBeGreaterThan(first.review.reviewedAt);
    }
    const log = sortReviews(await tabA.reviews.toArray());
    expect(log).toHaveLength(10);
    const replayed = await replayLog(tabB);
    expect(replayed.get(CARD)).toEqual(memoryOf((await tabA.cards.get(CARD))!));
  });

  it('refuses to undo the grade another tab graded over, with a reason, and changes nothing', async () => {
    const [a, b] = await Promise.all([gradeIn(tabA, 3, T0), gradeIn(tabB, 4, T0)]);
    const [earlier, later] = a.review.reviewedAt < b.review.reviewedAt ? [a, b] : [b, a];
    const earlierTab = earlier === a ? tabA : tabB;
    const cardBefore = await tabA.cards.get(CARD);
    const refusal = undoReview(earlierTab, earlier.review.id);
    await expect(refusal).rejects.toBeInstanceOf(UndoRefusedError);
    await expect(refusal).rejects.toThrow('This card was graded again after that (perhaps in another tab), so that grade cannot be undone.');
    expect(await tabA.reviews.count()).toBe(2);
    expect(await tabA.cards.get(CARD)).toEqual(cardBefore);
    // The later grade can be undone, and the card is then the replay of what is left.
    await undoReview(later === a ? tabA : tabB, later.review.id);
    expect(memoryOf((await tabB.cards.get(CARD))!)).toEqual((await replayLog(tabA)).get(CARD));
    expect(memoryOf((await tabB.cards.get(CARD))!)).toEqual(memoryOf(earlier.card));
  });

  it('logs a grade checked before another tab graded the card just after that grade', async () => {
    // Tab B revealed the answer first (T0) but tab A's grade at T0 + 5 s committed first.
    const a = await gradeIn(tabA, 3, T0 + 5_000);
    const b = await gradeIn(tabB, 3, T0);
    expect(b.review.reviewedAt).toBe(a.review.reviewedAt + 1);
    expect(b.review.before).toEqual(memoryOf(a.card));
    expect((await replayLog(tabA)).get(CARD)).toEqual(memoryOf(b.card));
  });
});
