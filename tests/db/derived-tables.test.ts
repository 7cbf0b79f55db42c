import Dexie from 'dexie';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, SCHEMA_VERSION, type CardRow, type RehearseDb, type ReviewRow } from '../../src/db/database.ts';
import { ALLOCATOR_CHUNK } from '../../src/db/derived-tables.ts';
import { buildDigestStep, buildTalliesStep, continueDerivedBuild, loadDerivedBuild } from '../../src/db/derived-build.ts';
import {
  gradeCard,
  memoryOf,
  rebuildCardsFromLog,
  resetQuestionProgress,
  setQuestionSuspended,
  syncBankCards,
  undoReview,
} from '../../src/db/cards-repo.ts';
import { loadCardDigest, loadCardProgress, loadCollectionSize, loadRecentReviewCounts, loadReviewTallies } from '../../src/db/stats-repo.ts';
import { digestCards, type CardDigestChunk } from '../../src/core/mastery/card-digest.ts';
import { applyToTallyRow, emptyTallyRow, tallyBlockOf, type ReviewTallyRow } from '../../src/core/mastery/review-tally.ts';
import { encodeConfig, newMemory, scheduleConfigFrom, type Rating } from '../../src/core/scheduling/fsrs.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings.ts';
import { makeQuestion } from '../fixtures.ts';
import { createOwnQuestion, deleteOwnQuestion, loadOwnSummaries, loadOwnSummaryVersion, updateOwnQuestion } from '../../src/db/library-repo.ts';
import { ownSummaryList } from '../../src/core/bank/own-summaries.ts';
import { summarize } from '../../src/core/bank/question.ts';

const T0 = new Date(2026, 4, 10, 9, 0).getTime();
const MIN = 60_000;
const DAY = 86_400_000;
const QUESTIONS = ['py-a', 'py-b', 'py-c', 'py-d'];
let db: RehearseDb;
let n = 0;

beforeEach(async () => {
  db = openDatabase(`derived-${++n}`);
  await syncBankCards(db, { version: 'v1', questions: QUESTIONS.map((id) => makeQuestion(id)) }, T0);
});

/** The digest as a map, to compare with what the cards table says. */
function digestMap(chunks: CardDigestChunk[]) {
  const map = new Map<string, unknown>();
  for (const c of digestCards(chunks)) {
    map.set(c.id, { questionId: c.questionId, state: c.state, stability: c.stability, lastReview: c.lastReview, due: c.due, suspended: c.suspended, hidden: c.hidden });
  }
  return map;
}

function cardsMap(cards: CardRow[]) {
  return new Map(cards.map((c) => [c.id, { questionId: c.questionId, state: c.state, stability: c.stability, lastReview: c.lastReview, due: c.due, suspended: c.suspended, hidden: c.hidden }]));
}

function talliesFrom(reviews: ReviewRow[]): Map<number, number[]> {
  const rows = new Map<number, ReviewTallyRow>();
  for (const r of reviews) {
    if (r.rating === 0) continue;
    const block = tallyBlockOf(r.reviewedAt);
    if (!rows.has(block)) rows.set(block, emptyTallyRow(block));
    applyToTallyRow(rows.get(block)!, r, 1);
  }
  return new Map([...rows].map(([block, row]) => [block, [...row.values]]));
}

/** Blocks whose quarters are all zero are as good as absent; the totals row is checked apart. */
async function storedTallies(): Promise<Map<number, number[]>> {
  const rows = (await db.reviewTallies.where('block').aboveOrEqual(0).toArray()) as ReviewTallyRow[];
  return new Map(rows.filter((r) => r.values.some((v) => v !== 0)).map((r) => [r.block, [...r.values]]));
}

async function expectDerivedInStep(): Promise<void> {
  const [cards, reviews] = [await db.cards.toArray(), await db.reviews.toArray()];
  expect(digestMap(await loadCardDigest(db))).toEqual(cardsMap(cards));
  expect(await storedTallies()).toEqual(talliesFrom(reviews));
  expect(await loadCollectionSize(db)).toEqual({ cards: cards.length, reviews: reviews.filter((r) => r.rating !== 0).length });
  const summaries = ownSummaryList(await loadOwnSummaries(db));
  expect(summaries.sort((a, b) => a.id.localeCompare(b.id))).toEqual((await db.customQuestions.toArray()).map(summarize));
}

describe('the card digest and review tallies follow every write', () => {
  it('has every synced card, and follows grades, undo, suspend, reset and a rebuild', async () => {
    await expectDerivedInStep();
    const { review } = await gradeCard(db, { cardId: 'py-a#answer', rating: 3, now: T0, durationMs: 4000, settings: DEFAULT_SETTINGS });
    await gradeCard(db, { cardId: 'py-b#answer', rating: 1, now: T0 + MIN, durationMs: 9000, settings: DEFAULT_SETTINGS });
    await expectDerivedInStep();
    await undoReview(db, review.id);
    await expectDerivedInStep();
    await setQuestionSuspended(db, 'py-c', true);
    await resetQuestionProgress(db, 'py-b', T0 + 2 * MIN);
    await rebuildCardsFromLog(db);
    await expectDerivedInStep();
    const digest = digestMap(await loadCardDigest(db));
    expect(digest.get('py-c#answer')).toMatchObject({ suspended: true });
    expect(digest.get('py-b#answer')).toMatchObject({ state: 0 });
  });

  it('frees the slot of a deleted card and gives a new card its own', async () => {
    await db.cards.delete('py-d#answer');
    await db.cards.add({ ...(await db.cards.get('py-a#answer'))!, id: 'py-e#answer', questionId: 'py-e' });
    await expectDerivedInStep();
    const slots = await db.cardSlots.toArray();
    expect(new Set(slots.map((s) => s.slot)).size).toBe(slots.length);
    expect(slots.find((s) => s.id === 'py-d#answer')).toBeUndefined();
  });

  it('clearing the tables clears the derived ones', async () => {
    await gradeCard(db, { cardId: 'py-a#answer', rating: 3, now: T0, durationMs: 1, settings: DEFAULT_SETTINGS });
    await db.transaction('rw', db.cards, db.reviews, async () => {
      await db.cards.clear();
      await db.reviews.clear();
    });
    expect(await loadCardDigest(db)).toSatisfy((chunks: CardDigestChunk[]) => digestMap(chunks).size === 0);
    expect(await storedTallies()).toEqual(new Map());
    await syncBankCards(db, { version: 'v2', questions: QUESTIONS.map((id) => makeQuestion(id)) }, T0);
    await expectDerivedInStep();
  });

  it('a failed grade leaves the derived tables as they were', async () => {
    const { review } = await gradeCard(db, { cardId: 'py-b#answer', rating: 3, now: T0, durationMs: 1, settings: DEFAULT_SETTINGS });
    const digestBefore = digestMap(await loadCardDigest(db));
    const talliesBefore = await storedTallies();
    const original = crypto.randomUUID;
    crypto.randomUUID = () => review.id as ReturnType<typeof crypto.randomUUID>;
    try {
      await expect(gradeCard(db, { cardId: 'py-a#answer', rating: 3, now: T0, durationMs: 1, settings: DEFAULT_SETTINGS })).rejects.toThrow();
    } finally {
      crypto.randomUUID = original;
    }
    expect(digestMap(await loadCardDigest(db))).toEqual(digestBefore);
    expect(await storedTallies()).toEqual(talliesBefore);
  });

  it('stays in step through random sequences of grades, undos and parallel writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('grade' as const), card: fc.integer({ min: 0, max: 7 }), rating: fc.integer({ min: 1, max: 4 }), minutes: fc.integer({ min: 1, max: 5000 }) }),
            fc.record({ kind: fc.constant('undo' as const) }),
            fc.record({ kind: fc.constant('parallel' as const), minutes: fc.integer({ min: 1, max: 3000 }) }),
            fc.record({ kind: fc.constant('suspend' as const), question: fc.integer({ min: 0, max: 3 }), on: fc.boolean() }),
          ),
          { maxLength: 12 },
        ),
        async (steps) => {
          db.close();
          db = openDatabase(`derived-${++n}`);
          await syncBankCards(db, { version: 'v1', questions: QUESTIONS.map((id) => makeQuestion(id)) }, T0);
          const ids = (await db.cards.toArray()).map((c) => c.id).sort();
          let now = T0;
          const done: string[] = [];
          for (const step of steps) {
            if (step.kind === 'grade') {
              now += step.minutes * MIN;
              const { review } = await gradeCard(db, { cardId: ids[step.card]!, rating: step.rating as Rating, now, durationMs: 1000 + step.minutes, settings: DEFAULT_SETTINGS });
              done.push(review.id);
            } else if (step.kind === 'undo' && done.length) {
              await undoReview(db, done.pop()!).catch(() => undefined);
            } else if (step.kind === 'parallel') {
              now += step.minutes * MIN;
              // Two grades in flight at once, in separate transactions.
              const results = await Promise.all(
                [ids[0]!, ids[5]!].map((cardId, i) => gradeCard(db, { cardId, rating: 3, now: now + i, durationMs: 2000, settings: DEFAULT_SETTINGS })),
              );
              done.push(...results.map((r) => r.review.id));
            } else if (step.kind === 'suspend') {
              await setQuestionSuspended(db, QUESTIONS[step.question]!, step.on);
            }
          }
          await expectDerivedInStep();
        },
      ),
      { numRuns: 25 },
    );
  });

  it('several writes in flight inside one transaction each get their own slot', async () => {
    const base = (await db.cards.get('py-a#answer'))!;
    await db.transaction('rw', db.cards, async () => {
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => db.cards.add({ ...base, id: `own-x${i}#answer`, questionId: `own-x${i}` })),
      );
    });
    await expectDerivedInStep();
    const slots = await db.cardSlots.toArray();
    expect(new Set(slots.map((s) => s.slot)).size).toBe(slots.length);
    expect((await db.cardDigest.get(ALLOCATOR_CHUNK)) as { nextSlot: number }).toMatchObject({ nextSlot: 8 + 30 });
  });
});

describe('own question summaries', () => {
  it('follow creating, editing and deleting own questions', async () => {
    const { id: _a, ...first } = makeQuestion('x', { title: 'How do closures capture loop variables?', tags: ['closures', 'scope'] });
    const { id: _b, ...second } = makeQuestion('y', { title: 'What does functools.wraps preserve?', topic: 'Decorators' });
    const a = await createOwnQuestion(db, first, T0);
    const b = await createOwnQuestion(db, second, T0);
    if (!a.ok || !b.ok) throw new Error('fixture questions must be valid');
    await expectDerivedInStep();
    const versionBefore = await loadOwnSummaryVersion(db);
    await updateOwnQuestion(db, a.value.id, { ...first, topic: 'Scope', tags: [] }, T0 + 1);
    // Readers cache the summaries by this counter: every change must move it.
    expect(await loadOwnSummaryVersion(db)).toBeGreaterThan(versionBefore);
    await expectDerivedInStep();
    await deleteOwnQuestion(db, b.value.id);
    await expectDerivedInStep();
    expect(ownSummaryList(await loadOwnSummaries(db))).toEqual([
      { id: a.value.id, title: 'How do closures capture loop variables?', technology: 'python', topic: 'Scope', level: first.level, difficulty: first.difficulty, tags: [] },
    ]);
  });
});

describe('creating own questions', () => {
  it('refuses a second question with the same title in any case, changing nothing', async () => {
    const { id: _a, ...input } = makeQuestion('x', { title: 'When is a list comprehension slower than a loop?' });
    expect((await createOwnQuestion(db, input, T0)).ok).toBe(true);
    const before = { questions: await db.customQuestions.count(), cards: await db.cards.count() };
    const again = await createOwnQuestion(db, { ...input, title: 'WHEN is a list comprehension slower than a loop?' }, T0 + 1);
    expect(again).toEqual({ ok: false, errors: ['Question: you already have a question with this title'] });
    expect({ questions: await db.customQuestions.count(), cards: await db.cards.count() }).toEqual(before);
  });
});

describe('reads for Progress and Today', () => {
  it('tallies reviews per study day and counts recent days for the streak', async () => {
    const now = T0 + 2 * DAY;
    for (const [offset, card] of [[0, 'py-a#answer'], [DAY, 'py-b#answer'], [DAY + MIN, 'py-c#answer']] as const) {
      await gradeCard(db, { cardId: card, rating: 3, now: T0 + offset, durationMs: 3000, settings: DEFAULT_SETTINGS });
    }
    expect([...(await loadReviewTallies(db, now, 4)).values()].map((t) => t.count)).toEqual([1, 2]);
    expect(await loadRecentReviewCounts(db, now, 4, 3)).toEqual([1, 2, 0]);
    expect(digestMap((await loadCardProgress(db, now)).digest).size).toBe(8);
  });
});

describe('schema version 3: the first build after the upgrade', () => {
  /** Schema version 2 exactly as it shipped. */
  function openVersion2(name: string) {
    const v2 = new Dexie(name);
    v2.version(1).stores({ cards: 'id, questionId, [bucket+due], state', reviews: 'id, cardId, reviewedAt', settings: 'key' });
    v2.version(2).stores({ notes: 'questionId, updatedAt', flags: 'questionId', customQuestions: 'id, updatedAt' });
    return v2;
  }

  function v2Collection(cardCount: number, reviewCount: number) {
    const cards = Array.from({ length: cardCount }, (_, i) => ({
      ...newMemory(T0 + i),
      id: `own-${String(i).padStart(5, '0')}#answer`,
      questionId: `own-${String(i).padStart(5, '0')}`,
      kind: 'answer',
      suspended: i % 7 === 0,
      hidden: false,
      bucket: 0,
      ...(i % 3 === 0 ? { state: 2, stability: 3 + i, difficulty: 5, lastReview: T0 - i * MIN, due: T0 + DAY } : {}),
    }));
    const reviews = Array.from({ length: reviewCount }, (_, i) => ({
      id: `r-${String(i).padStart(5, '0')}`,
      cardId: cards[i % cardCount]!.id,
      rating: (i % 5) as 0 | 1 | 2 | 3 | 4,
      reviewedAt: T0 - i * 37 * MIN,
      durationMs: 1000 * (i % 9),
      before: { ...newMemory(T0), state: (i % 4) as 0 | 1 | 2 | 3 },
      config: encodeConfig(scheduleConfigFrom(DEFAULT_SETTINGS, T0)),
    }));
    return { cards, reviews };
  }

  async function writeVersion2(name: string, cards: unknown[], reviews: unknown[], own: unknown[] = []) {
    const v2 = openVersion2(name);
    await v2.table('customQuestions').bulkAdd(own);
    await v2.table('cards').bulkAdd(cards);
    await v2.table('reviews').bulkAdd(reviews);
    await v2.table('settings').bulkAdd([
      { key: 'settings', value: { desiredRetention: 0.85 } },
      { key: 'meta:reviewDayTallies', value: { version: 1, days: [] } },
    ]);
    v2.close();
  }

  it('opens a version 2 collection at once, its rows untouched, then counts it in steps to the same digest and tallies', async () => {
    const name = 'migration-from-v2';
    const { cards, reviews } = v2Collection(2100, 500);
    const own = Array.from({ length: 3 }, (_, i) => ({ ...makeQuestion(`own-q${i}`, { topic: `Topic ${i}` }), createdAt: T0, updatedAt: T0 }));
    await writeVersion2(name, cards, reviews, own);

    db = openDatabase(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    expect(await db.cards.toArray()).toEqual(cards);
    expect(await db.reviews.count()).toBe(500);
    expect(await db.settings.get('settings')).toEqual({ key: 'settings', value: { desiredRetention: 0.85 } });
    expect(await db.settings.get('meta:reviewDayTallies')).toBeUndefined();
    // Nothing is counted yet, and what Settings shows says so by counting the tables.
    expect(await loadDerivedBuild(db)).toEqual({ cards: 0, cardsDone: false, reviews: 0, reviewsDone: false });
    expect(await loadCollectionSize(db)).toEqual({ cards: 2100, reviews: reviews.filter((r) => r.rating !== 0).length });

    expect(await buildDigestStep(db, 1000)).toBe(true);
    expect(await loadDerivedBuild(db)).toEqual({ cards: 1000, cardsDone: false, reviews: 0, reviewsDone: false });
    await continueDerivedBuild(db, { cardPage: 1000, reviewPage: 200 });
    expect(await loadDerivedBuild(db)).toBeNull();
    await expectDerivedInStep();
    // And the upkeep carries on from there.
    const card = (await db.cards.get(cards[3]!.id))!;
    await gradeCard(db, { cardId: card.id, rating: 4, now: T0 + DAY, durationMs: 1, settings: DEFAULT_SETTINGS });
    await db.cards.add({ ...card, ...memoryOf(newMemory(T0)), id: 'own-new#answer', questionId: 'own-new' });
    await expectDerivedInStep();
  });

  it('counts every write made while the build runs exactly once: grades, undos, new and deleted cards, between any two steps', async () => {
    const { cards, reviews } = v2Collection(40, 60);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('step' as const), page: fc.integer({ min: 1, max: 15 }) }),
            fc.record({ kind: fc.constant('grade' as const), card: fc.integer({ min: 0, max: 39 }), rating: fc.integer({ min: 1, max: 4 }) }),
            fc.record({ kind: fc.constant('undo' as const) }),
            fc.record({ kind: fc.constant('add' as const), at: fc.integer({ min: 0, max: 99999 }) }),
            fc.record({ kind: fc.constant('delete' as const), card: fc.integer({ min: 0, max: 39 }) }),
            fc.record({ kind: fc.constant('edit-log' as const), review: fc.integer({ min: 0, max: 59 }), rating: fc.integer({ min: 0, max: 4 }) }),
          ),
          { maxLength: 25 },
        ),
        async (steps) => {
          db.close();
          const name = `derived-build-${++n}`;
          await writeVersion2(name, cards, reviews);
          db = openDatabase(name);
          let now = T0 + DAY;
          const done: string[] = [];
          for (const step of steps) {
            if (step.kind === 'step') {
              if (!(await buildDigestStep(db, step.page))) await buildTalliesStep(db, step.page);
            } else if (step.kind === 'grade') {
              now += MIN;
              const cardId = cards[step.card]!.id;
              if (await db.cards.get(cardId)) {
                done.push((await gradeCard(db, { cardId, rating: step.rating as Rating, now, durationMs: 500, settings: DEFAULT_SETTINGS })).review.id);
              }
            } else if (step.kind === 'undo' && done.length) {
              await undoReview(db, done.pop()!).catch(() => undefined);
            } else if (step.kind === 'add') {
              // Ids on both sides of the cursor.
              const id = `own-${String(step.at).padStart(5, '0')}x#answer`;
              await db.cards.put({ ...(cards[0] as CardRow), id, questionId: id.slice(0, -7) });
            } else if (step.kind === 'delete') {
              await db.cards.delete(cards[step.card]!.id);
            } else if (step.kind === 'edit-log') {
              const stored = await db.reviews.get(reviews[step.review]!.id);
              if (stored) await db.reviews.put({ ...stored, rating: step.rating as ReviewRow['rating'] });
            }
          }
          await continueDerivedBuild(db, { cardPage: 7, reviewPage: 9 });
          expect(await loadDerivedBuild(db)).toBeNull();
          await expectDerivedInStep();
          await db.delete();
        },
      ),
      { numRuns: 40 },
    );
  }, 90_000);

  it('a build that was interrupted resumes from its last committed step after the app opens again', async () => {
    const name = 'migration-interrupted';
    const { cards, reviews } = v2Collection(300, 400);
    await writeVersion2(name, cards, reviews);
    db = openDatabase(name);
    await buildDigestStep(db, 100);
    await buildDigestStep(db, 100);
    db.close();
    db = openDatabase(name);
    expect(await loadDerivedBuild(db)).toEqual({ cards: 200, cardsDone: false, reviews: 0, reviewsDone: false });
    const stop = new AbortController();
    let steps = 0;
    await continueDerivedBuild(db, { cardPage: 50, reviewPage: 50, signal: stop.signal, pause: async () => void (++steps === 4 && stop.abort()) });
    expect(await loadDerivedBuild(db)).toMatchObject({ cardsDone: true, reviewsDone: false, reviews: 100 });
    db.close();
    db = openDatabase(name);
    await continueDerivedBuild(db, { cardPage: 50, reviewPage: 50 });
    await expectDerivedInStep();
  });
});
