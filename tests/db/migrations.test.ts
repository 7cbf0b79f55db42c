import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { openDatabase, SCHEMA_VERSION } from '../../src/db/database.ts';
import { newMemory } from '../../src/core/scheduling/fsrs.ts';

const T0 = new Date(2026, 4, 10, 9).getTime();

/** The first published schema, exactly as version 1 shipped it. */
function openVersion1(name: string) {
  const db = new Dexie(name);
  db.version(1).stores({ cards: 'id, questionId, [bucket+due], state', reviews: 'id, cardId, reviewedAt', settings: 'key' });
  return db;
}

describe('schema migrations', () => {
  it('opens a database written by schema version 1 with every card, review and setting intact', async () => {
    const name = 'migration-from-v1';
    const v1 = openVersion1(name);
    const card = { ...newMemory(T0), id: 'py-a#answer', questionId: 'py-a', kind: 'answer', suspended: false, hidden: false, bucket: 0 };
    const reviewed = { ...card, id: 'py-b#answer', questionId: 'py-b', state: 2, stability: 12.5, difficulty: 4.2, reps: 3, lastReview: T0, due: T0 + 12 * 86_400_000, bucket: 2 };
    const review = { id: 'r-1', cardId: 'py-b#answer', rating: 3, reviewedAt: T0, durationMs: 4200, before: newMemory(T0), config: '0.9|365|1m 10m|10m|' };
    await v1.table('cards').bulkAdd([card, reviewed]);
    await v1.table('reviews').add(review);
    await v1.table('settings').add({ key: 'settings', value: { desiredRetention: 0.85 } });
    v1.close();

    const current = openDatabase(name);
    await current.open();
    expect(current.verno).toBe(SCHEMA_VERSION);
    expect(await current.cards.toArray()).toEqual([card, reviewed]);
    expect(await current.reviews.toArray()).toEqual([review]);
    expect(await current.settings.get('settings')).toEqual({ key: 'settings', value: { desiredRetention: 0.85 } });
    // The tables added since are there and usable.
    await current.notes.put({ questionId: 'py-a', text: 'remember finally', updatedAt: T0 });
    expect(await current.notes.count()).toBe(1);
    expect(await current.cards.where('[bucket+due]').between([2, 0], [2, Infinity]).count()).toBe(1);
    current.close();
  });

  it('opens a version 3 database with its data intact and an empty sync outbox: nothing is queued until the learner connects', async () => {
    const name = 'migration-from-v3';
    const v3 = new Dexie(name);
    v3.version(1).stores({ cards: 'id, questionId, [bucket+due], state', reviews: 'id, cardId, reviewedAt', settings: 'key' });
    v3.version(2).stores({ notes: 'questionId, updatedAt', flags: 'questionId', customQuestions: 'id, updatedAt' });
    v3.version(3).stores({ cardDigest: 'chunk', cardSlots: 'id', reviewTallies: 'block', ownSummaries: 'key' });
    const review = { id: 'r-1', cardId: 'py-b#answer', rating: 3, reviewedAt: T0, durationMs: 4200, before: newMemory(T0), config: '0.9|365|1m 10m|10m|' };
    await v3.table('reviews').add(review);
    await v3.table('notes').add({ questionId: 'py-b', text: 'mind the GIL', updatedAt: T0 });
    v3.close();

    const current = openDatabase(name);
    await current.open();
    expect(current.verno).toBe(4);
    expect(await current.reviews.toArray()).toEqual([review]);
    expect(await current.notes.toArray()).toEqual([{ questionId: 'py-b', text: 'mind the GIL', updatedAt: T0 }]);
    expect(await current.outbox.count()).toBe(0);
    expect(await current.syncState.count()).toBe(0);
    // The new tables take rows, and the queue is read in time order.
    await current.outbox.bulkAdd([{ docId: 'review:r-2', queuedAt: T0 + 2 }, { docId: 'review:r-1', queuedAt: T0 + 1 }]);
    expect((await current.outbox.orderBy('queuedAt').toArray()).map((r) => r.docId)).toEqual(['review:r-1', 'review:r-2']);
    current.close();
  });
});
