import { describe, expect, it } from 'vitest';
import { planMerge, type LocalKeys } from '../../../src/core/backup/merge-backup.ts';
import type { Collection } from '../../../src/core/backup/backup-format.ts';
import { makeQuestion } from '../../fixtures.ts';
import { gradedCard, T0, DAY } from './backup-fixtures.ts';

function collection(patch: Partial<Collection>): Collection {
  return { cards: [], reviews: [], notes: [], flags: [], customQuestions: [], ...patch };
}

/** What the database hands a merge: the keys of cards and reviews, the small tables whole. */
function keysOf(local: Collection): LocalKeys {
  const { notes, flags, customQuestions } = local;
  return { cardIds: new Set(local.cards.map((c) => c.id)), reviewIds: new Set(local.reviews.map((r) => r.id)), notes, flags, customQuestions };
}

describe('planning a merge of a backup into this device', () => {
  const shared = gradedCard('py-a#answer', [3], T0, 'shared');
  const mine = gradedCard('py-b#answer', [3, 3], T0 + DAY, 'mine');
  const theirs = gradedCard('py-c#answer', [1, 3], T0 + 2 * DAY, 'theirs');
  const theirsOnShared = gradedCard('py-a#answer', [3, 3], T0 + 3 * DAY, 'theirs-a');

  it('adds only the reviews and cards this device lacks, each once', () => {
    const local = collection({ cards: [shared.card, mine.card], reviews: [...shared.reviews, ...mine.reviews] });
    const incoming = collection({ cards: [shared.card, theirs.card], reviews: [...shared.reviews, ...theirs.reviews, ...theirs.reviews] });
    const { added, toWrite } = planMerge(keysOf(local), incoming);
    expect(added).toMatchObject({ reviews: 2, cards: 1 });
    expect(toWrite.reviews).toEqual(theirs.reviews);
    expect(toWrite.cards).toEqual([theirs.card]);
  });

  it('replays only the cards whose log gained reviews', () => {
    const local = collection({ cards: [shared.card, mine.card], reviews: [...shared.reviews, ...mine.reviews] });
    const incoming = collection({
      cards: [shared.card, mine.card, theirs.card],
      reviews: [...shared.reviews, ...mine.reviews, ...theirsOnShared.reviews, ...theirs.reviews],
    });
    expect(planMerge(keysOf(local), incoming).toReplay.sort()).toEqual(['py-a#answer', 'py-c#answer']);
  });

  it('keeps the newer version of a note or own question, and the local one on a tie', () => {
    const local = collection({
      notes: [
        { questionId: 'py-a', text: 'old', updatedAt: T0 },
        { questionId: 'py-b', text: 'mine, newer', updatedAt: T0 + 5 },
        { questionId: 'py-c', text: 'mine, tie', updatedAt: T0 },
        { questionId: 'py-d', text: 'only here', updatedAt: T0 },
      ],
      customQuestions: [{ ...makeQuestion('own-1', { title: 'Old title?' }), createdAt: T0, updatedAt: T0 }],
    });
    const incoming = collection({
      notes: [
        { questionId: 'py-a', text: 'new', updatedAt: T0 + 1 },
        { questionId: 'py-b', text: 'theirs, older', updatedAt: T0 },
        { questionId: 'py-c', text: 'theirs, tie', updatedAt: T0 },
        { questionId: 'py-e', text: 'only there', updatedAt: T0 },
      ],
      customQuestions: [
        { ...makeQuestion('own-1', { title: 'New title?' }), createdAt: T0, updatedAt: T0 + 9 },
        { ...makeQuestion('own-2'), createdAt: T0, updatedAt: T0 },
      ],
    });
    const { added, updated, toWrite } = planMerge(keysOf(local), incoming);
    expect(Object.fromEntries(toWrite.notes.map((n) => [n.questionId, n.text]))).toEqual({ 'py-a': 'new', 'py-e': 'only there' });
    expect(toWrite.customQuestions.map((q) => q.title)).toEqual(['What does own-2 test?', 'New title?']);
    expect(added).toMatchObject({ notes: 1, customQuestions: 1 });
    expect(updated).toEqual({ notes: 1, customQuestions: 1 });
  });

  it('adds only the flags this device lacks', () => {
    const { toWrite, added } = planMerge(
      keysOf(collection({ flags: [{ questionId: 'py-a', flaggedAt: T0 }] })),
      collection({ flags: [{ questionId: 'py-a', flaggedAt: T0 + 1 }, { questionId: 'py-b', flaggedAt: T0 }] }),
    );
    expect(toWrite.flags).toEqual([{ questionId: 'py-b', flaggedAt: T0 }]);
    expect(added.flags).toBe(1);
  });

  it('writes and replays nothing when a copy is merged into itself', () => {
    const local = collection({ cards: [shared.card], reviews: shared.reviews, notes: [{ questionId: 'py-a', text: 'x', updatedAt: T0 }] });
    const { toWrite, toReplay } = planMerge(keysOf(local), structuredClone(local));
    expect(toWrite).toEqual(collection({}));
    expect(toReplay).toEqual([]);
  });
});
