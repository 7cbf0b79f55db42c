import { describe, expect, it } from 'vitest';
import { mergeCollections } from '../../../src/core/backup/merge-backup.ts';
import type { Collection } from '../../../src/core/backup/backup-format.ts';
import { makeQuestion } from '../../fixtures.ts';
import { gradedCard, T0, DAY } from './backup-fixtures.ts';

function collection(patch: Partial<Collection>): Collection {
  return { cards: [], reviews: [], notes: [], flags: [], customQuestions: [], ...patch };
}

describe('merging two copies of a collection', () => {
  const shared = gradedCard('py-a#answer', [3], T0, 'shared');
  const mine = gradedCard('py-b#answer', [3, 3], T0 + DAY, 'mine');
  const theirs = gradedCard('py-c#answer', [1, 3], T0 + 2 * DAY, 'theirs');

  it('keeps every review once: the union of both logs by review id', () => {
    const local = collection({ cards: [shared.card, mine.card], reviews: [...shared.reviews, ...mine.reviews] });
    const incoming = collection({ cards: [shared.card, theirs.card], reviews: [...shared.reviews, ...theirs.reviews] });
    const { merged, added, toWrite } = mergeCollections(local, incoming);
    const ids = merged.reviews.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([...shared.reviews, ...mine.reviews, ...theirs.reviews].map((r) => r.id).sort());
    expect(merged.cards.map((c) => c.id)).toEqual(['py-a#answer', 'py-b#answer', 'py-c#answer']);
    expect(added).toMatchObject({ reviews: 2, cards: 1 });
    expect(toWrite.reviews).toEqual(theirs.reviews);
    expect(toWrite.cards).toEqual([theirs.card]);
  });

  it('keeps the local row of a card both sides have (its state is replayed afterwards)', () => {
    const suspendedHere = { ...shared.card, suspended: true };
    const { merged } = mergeCollections(collection({ cards: [suspendedHere] }), collection({ cards: [{ ...shared.card, stability: 99 }] }));
    expect(merged.cards).toEqual([suspendedHere]);
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
    const { merged, added, updated, toWrite } = mergeCollections(local, incoming);
    expect(Object.fromEntries(merged.notes.map((n) => [n.questionId, n.text]))).toEqual({
      'py-a': 'new', 'py-b': 'mine, newer', 'py-c': 'mine, tie', 'py-d': 'only here', 'py-e': 'only there',
    });
    expect(merged.customQuestions.map((q) => q.title)).toEqual(['New title?', 'What does own-2 test?']);
    expect(added).toMatchObject({ notes: 1, customQuestions: 1 });
    expect(updated).toEqual({ notes: 1, customQuestions: 1 });
    expect(toWrite.notes.map((n) => n.questionId).sort()).toEqual(['py-a', 'py-e']);
  });

  it('unites the flags of both sides', () => {
    const { merged, added } = mergeCollections(
      collection({ flags: [{ questionId: 'py-a', flaggedAt: T0 }] }),
      collection({ flags: [{ questionId: 'py-a', flaggedAt: T0 + 1 }, { questionId: 'py-b', flaggedAt: T0 }] }),
    );
    expect(merged.flags).toEqual([{ questionId: 'py-a', flaggedAt: T0 }, { questionId: 'py-b', flaggedAt: T0 }]);
    expect(added.flags).toBe(1);
  });

  it('changes nothing when a copy is merged into itself', () => {
    const local = collection({ cards: [shared.card], reviews: shared.reviews, notes: [{ questionId: 'py-a', text: 'x', updatedAt: T0 }] });
    const { merged, toWrite } = mergeCollections(local, structuredClone(local));
    expect(merged).toEqual(local);
    expect(toWrite).toEqual(collection({}));
  });
});
