import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type RehearseDb, BUCKET } from '../../src/db/database.ts';
import {
  gradeCard,
  loadTodayQueue,
  rebuildCardsFromLog,
  replayLog,
  syncBankCards,
  undoReview,
  memoryOf,
  nextDueAfter,
  UndoRefusedError,
} from '../../src/db/cards-repo.ts';
import { updateSettings, loadSettings } from '../../src/db/settings-repo.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import { makeQuestion } from '../fixtures.ts';

const T0 = new Date(2026, 4, 10, 9, 0).getTime();
const MIN = 60_000;
const DAY = 86_400_000;
let db: RehearseDb;
let dbCount = 0;

beforeEach(async () => {
  db = openDatabase(`review-log-${++dbCount}`);
  await syncBankCards(db, { version: 'v1', questions: ['py-a', 'py-b', 'py-c'].map((id) => makeQuestion(id)) }, T0);
});

describe('grading writes the log and the card together', () => {
  it('appends one log row with the state before, and stores the new state', async () => {
    const { review, card } = await gradeCard(db, { cardId: 'py-a#answer', rating: 3, now: T0, durationMs: 5000, settings: DEFAULT_SETTINGS });
    expect(await db.reviews.count()).toBe(1);
    const stored = await db.reviews.get(review.id);
    expect(stored?.before.state).toBe(0);
    expect(stored?.durationMs).toBe(5000);
    expect(await db.cards.get('py-a#answer')).toEqual(card);
    expect(card.bucket).toBe(BUCKET.learning);
  });

  it('writes nothing when the transaction fails part-way', async () => {
    await db.cards.update('py-a#answer', { stability: 0 });
    const before = await db.cards.toArray();
    // A review row with a taken id makes the second write fail; the card must not change.
    const { review } = await gradeCard(db, { cardId: 'py-b#answer', rating: 3, now: T0, durationMs: 1, settings: DEFAULT_SETTINGS });
    const original = crypto.randomUUID;
    crypto.randomUUID = () => review.id as ReturnType<typeof crypto.randomUUID>;
    try {
      await expect(gradeCard(db, { cardId: 'py-a#answer', rating: 3, now: T0, durationMs: 1, settings: DEFAULT_SETTINGS })).rejects.toThrow();
    } finally {
      crypto.randomUUID = original;
    }
    expect(await db.reviews.count()).toBe(1);
    expect(await db.cards.get('py-a#answer')).toEqual(before.find((c) => c.id === 'py-a#answer'));
  });

  it('undo restores the card and removes the log row exactly', async () => {
    const original = await db.cards.get('py-a#answer');
    const first = await gradeCard(db, { cardId: 'py-a#answer', rating: 3, now: T0, durationMs: 1, settings: DEFAULT_SETTINGS });
    const afterFirst = await db.cards.get('py-a#answer');
    const second = await gradeCard(db, { cardId: 'py-a#answer', rating: 1, now: T0 + 10 * MIN, durationMs: 1, settings: DEFAULT_SETTINGS });
    await undoReview(db, second.review.id);
    expect(await db.cards.get('py-a#answer')).toEqual(afterFirst);
    expect((await db.reviews.toArray()).map((r) => r.id)).toEqual([first.review.id]);
    await undoReview(db, first.review.id);
    expect(await db.cards.get('py-a#answer')).toEqual(original);
    expect(await db.reviews.count()).toBe(0);
  });

  it('refuses to undo a grade when the card was graded again since (another tab)', async () => {
    const first = await gradeCard(db, { cardId: 'py-a#answer', rating: 3, now: T0, durationMs: 1, settings: DEFAULT_SETTINGS });
    await gradeCard(db, { cardId: 'py-a#answer', rating: 3, now: T0 + MIN, durationMs: 1, settings: DEFAULT_SETTINGS });
    await expect(undoReview(db, first.review.id)).rejects.toBeInstanceOf(UndoRefusedError);
    expect(await db.reviews.count()).toBe(2);
  });

  it('rebuilds every card state from the log equal to the stored states', async () => {
    const ratings = [3, 3, 1, 3, 4, 2, 3, 3, 1, 3] as const;
    let now = T0;
    for (const [i, rating] of ratings.entries()) {
      const cardId = ['py-a#answer', 'py-b#answer', 'py-a#mistakes'][i % 3]!;
      if (i === 5) await updateSettings(db, { desiredRetention: 0.95 });
      const { settings } = await loadSettings(db);
      const { card } = await gradeCard(db, { cardId, rating, now, durationMs: 1, settings });
      now = Math.max(now + MIN, card.due);
    }
    const stored = await db.cards.toArray();
    const replayed = await replayLog(db);
    expect(replayed.size).toBe(3);
    for (const [cardId, memory] of replayed) expect(memory).toEqual(memoryOf(stored.find((c) => c.id === cardId)!));
    // Scramble the cache, rebuild, and get the same cards back.
    await db.cards.bulkPut(stored.filter((c) => replayed.has(c.id)).map((c) => ({ ...c, stability: 99, due: 0 })));
    await rebuildCardsFromLog(db);
    expect(await db.cards.toArray()).toEqual(stored);
  });
});

describe('the daily queue from the database', () => {
  it('offers new cards, then after grading them shows learning cards only when due', async () => {
    const settings = { ...DEFAULT_SETTINGS, newPerDay: 2 };
    const first = await loadTodayQueue(db, settings, T0);
    expect(first.cards.map((c) => c.id)).toEqual(['py-a#answer', 'py-b#answer']);
    await gradeCard(db, { cardId: 'py-a#answer', rating: 3, now: T0, durationMs: 1, settings });
    const later = await loadTodayQueue(db, settings, T0 + MIN);
    // py-a is in a 10-minute step; one new card of today's two remains.
    expect(later.cards.map((c) => c.id)).toEqual(['py-b#answer']);
    const afterStep = await loadTodayQueue(db, settings, T0 + 11 * MIN);
    expect(afterStep.cards.map((c) => c.id)).toEqual(['py-a#answer', 'py-b#answer']);
  });

  it('with a backlog over the daily cap, picks among the most overdue cards', async () => {
    const cards = await db.cards.toArray();
    // Six review cards, overdue by 1–6 days, all with the same memory otherwise.
    await db.cards.bulkPut(
      cards.slice(0, 6).map((c, i) => ({
        ...c, state: 2 as const, bucket: BUCKET.review, stability: 5, difficulty: 5, reps: 3,
        due: T0 - (i + 1) * DAY, lastReview: T0 - (i + 6) * DAY,
      })),
    );
    const queue = await loadTodayQueue(db, { ...DEFAULT_SETTINGS, reviewsPerDay: 1, newPerDay: 0 }, T0);
    expect(queue.cards).toHaveLength(1);
    // The most overdue card (6 days) has been longest since review: lowest recall, first in.
    expect(queue.cards[0]!.id).toBe(cards[5]!.id);
  });

  it('skips a damaged card row, reports it, and still serves the others', async () => {
    await db.cards.update('py-a#answer', { stability: 'broken' as unknown as number });
    const queue = await loadTodayQueue(db, DEFAULT_SETTINGS, T0);
    expect(queue.skipped).toEqual(['py-a#answer']);
    expect(queue.cards.map((c) => c.id)).toContain('py-b#answer');
  });

  it('says when the next card is due once today is done', async () => {
    const { card } = await gradeCard(db, { cardId: 'py-a#answer', rating: 4, now: T0, durationMs: 1, settings: DEFAULT_SETTINGS });
    expect(card.state).toBe(2);
    expect(await nextDueAfter(db, T0 + MIN)).toBe(card.due);
    expect(card.due).toBeGreaterThan(T0 + DAY);
  });
});

describe('settings', () => {
  it('refuses values outside their ranges with a message and keeps the old ones', async () => {
    const result = await updateSettings(db, { desiredRetention: 0.5, dayStartHour: 24 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.join(' ')).toMatch(/at least 70%/);
      expect(result.errors.join(' ')).toMatch(/between 0 and 23/);
    }
    expect((await loadSettings(db)).settings).toEqual(DEFAULT_SETTINGS);
  });

  it('refuses a learn-ahead limit outside 0–720 minutes with a message, and keeps the old one', async () => {
    for (const bad of [-1, 721, 2.5]) {
      const result = await updateSettings(db, { learnAheadMinutes: bad });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.join(' ')).toMatch(/Learn ahead limit must be (between 0 and 720|a whole number)/);
    }
    expect((await loadSettings(db)).settings.learnAheadMinutes).toBe(20);
    expect((await updateSettings(db, { learnAheadMinutes: 0 })).ok).toBe(true);
    expect((await loadSettings(db)).settings.learnAheadMinutes).toBe(0);
  });
});
