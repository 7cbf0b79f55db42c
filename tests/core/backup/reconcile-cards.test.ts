import { describe, expect, it } from 'vitest';
import { reconcileCards } from '../../../src/core/backup/reconcile-cards.ts';
import { summarizeBackup } from '../../../src/core/backup/backup-summary.ts';
import { newMemory, replay } from '../../../src/core/scheduling/fsrs.ts';
import { parseBackup } from '../../../src/core/backup/parse-backup.ts';
import { backupText, DAY, gradedCard, makeBackup, T0 } from './backup-fixtures.ts';

const NOW = T0 + 30 * DAY;

describe('card states are what their review log says', () => {
  it('leaves a truthful backup as it is and counts no corrections', () => {
    const backup = makeBackup();
    const result = reconcileCards(backup.cards, backup.reviews, NOW);
    expect(result.corrected).toEqual([]);
    expect(result.cards).toEqual(backup.cards);
  });

  it('rebuilds a card that claims due 2100, stability 5000 and 50 reps against one review', () => {
    const { card, reviews } = gradedCard('py-a#answer', [3], T0);
    const lie = { ...card, due: Date.UTC(2100, 0, 1), stability: 5000, reps: 50 };
    const result = reconcileCards([lie], reviews, NOW);
    expect(result.corrected).toEqual(['py-a#answer']);
    expect(result.cards[0]).toEqual({ ...card, ...replay(card.id, reviews[0]!.before, reviews) });
    expect(result.cards[0]!.reps).toBe(1);
    const parsed = parseBackup(backupText(makeBackup({ cards: [lie, ...makeBackup().cards.slice(1)] })));
    expect(parsed.ok && parsed.correctedCards).toBe(1);
    if (parsed.ok) expect(summarizeBackup(parsed.value, parsed.correctedCards).correctedCards).toBe(1);
  });

  it('replays a shuffled log in time order', () => {
    const { card, reviews } = gradedCard('py-a#answer', [3, 1, 3, 4], T0);
    expect(reconcileCards([card], [...reviews].reverse(), NOW).corrected).toEqual([]);
  });

  it('refuses a backup whose log no scheduler can follow, naming the card', () => {
    const backup = makeBackup();
    const first = backup.reviews[0]!;
    // The state before the first review says it was last reviewed a day after that review.
    backup.reviews[0] = { ...first, before: { ...first.before, state: 2, stability: 3, difficulty: 5, reps: 1, lastReview: first.reviewedAt + DAY } };
    const parsed = parseBackup(backupText(backup));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[0]).toMatch(/^card "py-a#answer" has a review log that cannot be replayed \(/);
  });

  it('makes a card with no log new again when it claims any history, due no later than now', () => {
    const graded = gradedCard('py-a#mistakes', [3, 3], T0).card;
    const future = { ...graded, ...newMemory(Date.UTC(2100, 0, 1)) };
    const untouched = { ...graded, ...newMemory(T0) };
    const result = reconcileCards([graded, future, untouched], [], NOW);
    expect(result.corrected).toEqual(['py-a#mistakes', 'py-a#mistakes']);
    expect(result.cards[0]).toEqual({ ...graded, ...newMemory(NOW) });
    expect(result.cards[1]).toEqual({ ...graded, ...newMemory(NOW) });
    expect(result.cards[2]).toBe(untouched);
  });
});
