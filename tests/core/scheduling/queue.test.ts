import { describe, expect, it } from 'vitest';
import { buildQueue, interleave, type QueueCard } from '../../../src/core/scheduling/queue.ts';
import { newMemory } from '../../../src/core/scheduling/fsrs.ts';
import { applyGrade, currentCardId, startSession, summarise, undoLast, LEARN_AHEAD_MINUTES } from '../../../src/core/scheduling/session.ts';

const NOW = Date.UTC(2026, 4, 10, 12);
const DAY = 86_400_000;
const LEARN_AHEAD = LEARN_AHEAD_MINUTES * 60_000;

function card(id: string, patch: Partial<QueueCard> = {}): QueueCard {
  return { ...newMemory(NOW), id, questionId: id.split('#')[0]!, ...patch };
}
const review = (id: string, lastReviewDaysAgo: number, stability: number, dueOffset = 0) =>
  card(id, { state: 2, stability, difficulty: 5, lastReview: NOW - lastReviewDaysAgo * DAY, due: NOW + dueOffset, reps: 3 });

const base = { reviewsDoneToday: 0, newDoneToday: 0, newPerDay: 10, reviewsPerDay: 200, now: NOW };

describe('today’s queue', () => {
  it('puts due learning cards first, then reviews with the lowest recall first', () => {
    const queue = buildQueue({
      ...base,
      learning: [card('l2#answer', { state: 1, due: NOW - 1000 }), card('l1#answer', { state: 3, due: NOW - 5000 })],
      reviews: [review('safe#answer', 2, 30), review('risky#answer', 20, 3), review('middle#answer', 10, 10)],
      fresh: [],
    });
    expect(queue.map((c) => c.id)).toEqual(['l1#answer', 'l2#answer', 'risky#answer', 'middle#answer', 'safe#answer']);
  });

  it('respects the daily review cap, counting reviews already done today', () => {
    const reviews = Array.from({ length: 10 }, (_, i) => review(`r${i}#answer`, 5 + i, 5));
    const queue = buildQueue({ ...base, reviews, learning: [], fresh: [], reviewsPerDay: 6, reviewsDoneToday: 2 });
    expect(queue).toHaveLength(4);
    // The four most at risk (longest since review) are the ones kept.
    expect(queue.map((c) => c.id)).toEqual(['r9#answer', 'r8#answer', 'r7#answer', 'r6#answer']);
  });

  it('adds new cards up to the daily limit minus those already introduced, spread among reviews', () => {
    const reviews = Array.from({ length: 6 }, (_, i) => review(`r${i}#answer`, 10, 5 + i));
    const fresh = Array.from({ length: 8 }, (_, i) => card(`n${i}#answer`, { due: NOW + i }));
    const queue = buildQueue({ ...base, reviews, learning: [], fresh, newPerDay: 5, newDoneToday: 2 });
    const ids = queue.map((c) => c.id);
    expect(ids.filter((id) => id.startsWith('n'))).toEqual(['n0#answer', 'n1#answer', 'n2#answer']);
    expect(ids).toHaveLength(9);
    // Spread: no two new cards are adjacent when there are enough reviews between them.
    const positions = ids.flatMap((id, i) => (id.startsWith('n') ? [i] : []));
    for (let i = 1; i < positions.length; i++) expect(positions[i]! - positions[i - 1]!).toBeGreaterThan(1);
  });

  it('never introduces both cards of one question as new on the same day', () => {
    const fresh = [card('q1#answer'), card('q1#mistakes'), card('q2#answer')];
    const queue = buildQueue({ ...base, reviews: [], learning: [], fresh });
    expect(queue.map((c) => c.id)).toEqual(['q1#answer', 'q2#answer']);
  });

  it('spreads extra items evenly', () => {
    expect(interleave<number | string>([1, 2, 3, 4], ['a', 'b'])).toEqual(['a', 1, 2, 'b', 3, 4]);
    expect(interleave<string>([], ['a'])).toEqual(['a']);
  });
});

describe('a review session', () => {
  it('brings a card graded into a learning step back in the same session once it is due', () => {
    let session = startSession(['a', 'b'], NOW);
    expect(currentCardId(session, NOW, LEARN_AHEAD)).toBe('a');
    session = applyGrade(session, 'a', 1, 'rev-1', { ...newMemory(NOW), state: 1, due: NOW + 60_000 }, 4000, NOW + DAY);
    expect(currentCardId(session, NOW + 1000, LEARN_AHEAD)).toBe('b');
    session = applyGrade(session, 'b', 3, 'rev-2', { ...newMemory(NOW), state: 2, due: NOW + 3 * DAY }, 6000, NOW + DAY);
    // Nothing else left: the learning card is shown within the learn-ahead window.
    expect(currentCardId(session, NOW + 2000, LEARN_AHEAD)).toBe('a');
    expect(currentCardId({ ...session, waiting: [{ id: 'a', due: NOW + LEARN_AHEAD + 10_000 }] }, NOW, LEARN_AHEAD)).toBeNull();
    expect(summarise(session)).toEqual({ cards: 2, reviews: 2, timeSpentMs: 10_000, againShare: 0.5 });
  });

  it('undo puts the last card back exactly where it was', () => {
    let session = startSession(['a', 'b', 'c'], NOW);
    session = applyGrade(session, 'a', 3, 'rev-1', { ...newMemory(NOW), state: 2, due: NOW + DAY * 2 }, 1000, NOW + DAY);
    const undone = undoLast(session)!;
    expect(undone.undone.reviewId).toBe('rev-1');
    expect(undone.session.queue).toEqual(['a', 'b', 'c']);
    expect(undone.session.graded).toEqual([]);
    expect(undoLast(undone.session)).toBeNull();
  });
});
