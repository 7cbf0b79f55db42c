import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { gradeCard, syncBankCards } from '../../src/db/cards-repo.ts';
import { loadSettings, updateSettings } from '../../src/db/settings-repo.ts';
import { readGradeLog, saveFit } from '../../src/db/optimiser-repo.ts';
import { DEFAULT_PARAMETERS } from '../../src/core/scheduling/fsrs.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import { makeQuestion } from '../fixtures.ts';

const T0 = new Date(2026, 4, 10, 9, 0).getTime();
const DAY = 86_400_000;
let db: RehearseDb;
let dbCount = 0;

beforeEach(async () => {
  db = openDatabase(`optimiser-repo-${++dbCount}`);
  await syncBankCards(db, { version: 'v1', questions: ['py-a', 'py-b'].map((id) => makeQuestion(id)) }, T0);
});

const fit = { fittedAt: T0, reviewCount: 500, applied: true, before: { logLoss: 0.4, rmse: 0.05 }, after: { logLoss: 0.35, rmse: 0.04 } };

describe('the review log the optimiser reads', () => {
  it('reads an empty log as nothing to fit', async () => {
    expect(await readGradeLog(db)).toEqual({ log: [], unreadable: 0 });
  });

  it('leaves damaged rows out and counts them, keeping every readable one', async () => {
    await gradeCard(db, { cardId: 'py-a#answer', rating: 3, now: T0, durationMs: 1000, settings: DEFAULT_SETTINGS });
    await gradeCard(db, { cardId: 'py-a#answer', rating: 1, now: T0 + 3 * DAY, durationMs: 1000, settings: DEFAULT_SETTINGS });
    const [first] = await db.reviews.toArray();
    // Rows damaged outside the app (a storage fault, a hand-edited database): no phase before, a rating of 9.
    await db.reviews.bulkPut([
      { ...first!, id: 'broken-1', before: undefined as never },
      { ...first!, id: 'broken-2', rating: 9 as never },
    ]);
    const { log, unreadable } = await readGradeLog(db);
    expect(unreadable).toBe(2);
    expect(log.map((e) => [e.cardId, e.rating, e.reviewedAt])).toEqual(
      expect.arrayContaining([['py-a#answer', 3, T0], ['py-a#answer', 1, T0 + 3 * DAY]]),
    );
    expect(log).toHaveLength(2);
  });
});

describe('saving a fit', () => {
  it('refuses non-finite weights and leaves the current parameters as they were', async () => {
    const current = [...DEFAULT_PARAMETERS];
    current[2] = 1.5;
    expect((await updateSettings(db, { fsrsParameters: current })).ok).toBe(true);
    const broken = [...DEFAULT_PARAMETERS];
    broken[4] = Number.NaN;
    await expect(saveFit(db, broken, fit)).rejects.toThrow('The fitted parameters are not usable; your current ones are unchanged.');
    const { settings } = await loadSettings(db);
    expect(settings.fsrsParameters![2]).toBe(1.5);
    expect(settings.lastFit).toBeNull();
  });

  it('keeps the current parameters when the fit was not better, recording only the run', async () => {
    const weights = [...DEFAULT_PARAMETERS];
    weights[2] = 9;
    expect((await saveFit(db, weights, { ...fit, applied: false })).ok).toBe(true);
    const { settings } = await loadSettings(db);
    expect(settings.fsrsParameters).toBeNull();
    expect(settings.lastFit).toMatchObject({ applied: false });
  });
});
