import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { gradeCard, loadTodayQueue, syncBankCards, questionHistory } from '../../src/db/cards-repo.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import { makeQuestion } from '../fixtures.ts';

const T0 = new Date(2026, 4, 10, 9).getTime();
const DAY = 86_400_000;

describe('progress survives a bank update', () => {
  it('keeps edited questions’ history, adds new questions, hides removed ones and brings them back intact', async () => {
    const db = openDatabase('bank-upgrade');
    const v1 = ['py-kept', 'py-edited', 'py-removed'].map((id) => makeQuestion(id));
    expect((await syncBankCards(db, { version: 'v1', questions: v1 }, T0)).added).toBe(6);
    for (const id of ['py-kept#answer', 'py-edited#answer', 'py-removed#answer']) {
      await gradeCard(db, { cardId: id, rating: 4, now: T0, durationMs: 1, settings: DEFAULT_SETTINGS });
    }
    const before = await db.cards.toArray();

    const v2 = [
      makeQuestion('py-kept'),
      makeQuestion('py-edited', { answer: 'A rewritten answer.', title: 'A sharper title?' }),
      makeQuestion('py-added'),
    ];
    expect(await syncBankCards(db, { version: 'v2', questions: v2 }, T0 + DAY)).toEqual({ added: 2, hidden: 2, unhidden: 0, skipped: false });
    const after = await db.cards.toArray();
    const byId = (rows: typeof after, id: string) => rows.find((c) => c.id === id)!;
    expect(byId(after, 'py-edited#answer')).toEqual(byId(before, 'py-edited#answer'));
    expect(byId(after, 'py-removed#answer')).toMatchObject({ hidden: true, reps: 1 });
    expect(byId(after, 'py-added#answer')).toMatchObject({ state: 0, hidden: false });
    expect(await db.reviews.count()).toBe(3);
    // Hidden cards never reach the queue, however overdue they are.
    const queue = await loadTodayQueue(db, DEFAULT_SETTINGS, T0 + 400 * DAY);
    expect(queue.cards.map((c) => c.questionId)).not.toContain('py-removed');

    // The same bank again: nothing to do.
    expect((await syncBankCards(db, { version: 'v2', questions: v2 }, T0 + DAY)).skipped).toBe(true);

    // The question comes back in v3 with its history.
    await syncBankCards(db, { version: 'v3', questions: [...v2, makeQuestion('py-removed')] }, T0 + 2 * DAY);
    expect(await db.cards.get('py-removed#answer')).toMatchObject({ hidden: false, reps: 1 });
    expect((await questionHistory(db, 'py-removed')).reviews).toHaveLength(1);
  });
});
