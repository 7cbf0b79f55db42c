import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { memoryOf, replayLog, syncBankCards } from '../../src/db/cards-repo.ts';
import { importBackup } from '../../src/db/backup-repo.ts';
import { parseBackup } from '../../src/core/backup/parse-backup.ts';
import { isQuotaError } from '../../src/core/backup/storage-errors.ts';
import { makeQuestion } from '../fixtures.ts';
import { backupText, gradedCard, makeBackup, T0, DAY } from '../core/backup/backup-fixtures.ts';
import type { MemoryState } from '../../src/core/scheduling/fsrs.ts';
import { applyMutations, mutations, prototypesUntouched } from '../core/backup/mutations.ts';

const VALID = backupText();
let n = 0;

/** A device with its own history, different from the backup's. */
async function device(): Promise<RehearseDb> {
  const db = openDatabase(`backup-fuzz-${++n}`);
  await syncBankCards(db, { version: 'v1', questions: ['py-a', 'py-b'].map((id) => makeQuestion(id)) }, T0);
  const { card, reviews } = gradedCard('py-b#answer', [3, 1, 3], T0 + DAY, 'local');
  await db.cards.put({ ...card, bucket: 1 });
  await db.reviews.bulkAdd(reviews);
  await db.notes.put({ questionId: 'py-b', text: 'local note', updatedAt: T0 });
  return db;
}

async function everything(db: RehearseDb) {
  const [cards, reviews, settings, notes, flags, customQuestions] = await Promise.all([
    db.cards.toArray(), db.reviews.toArray(), db.settings.toArray(), db.notes.toArray(), db.flags.toArray(), db.customQuestions.toArray(),
  ]);
  return { cards, reviews, settings, notes, flags, customQuestions };
}

describe('importing damaged and hostile backups (property-based, real Dexie)', () => {
  it('never throws uncaught, never writes partially, and a refusal always says why', async () => {
    let imported = 0;
    await fc.assert(
      fc.asyncProperty(
        mutations,
        fc.constantFrom('merge' as const, 'replace' as const),
        // Sometimes the disk fills up after a random number of rows.
        fc.option(fc.record({ table: fc.constantFrom('cards' as const, 'reviews' as const, 'notes' as const, 'customQuestions' as const), after: fc.nat(4) }), { freq: 3 }),
        async (list, mode, diskFull) => {
          const db = await device();
          try {
            const before = await everything(db);
            const result = parseBackup(applyMutations(VALID, list));
            expect(prototypesUntouched()).toBe(true);
            if (!result.ok) {
              expect(result.errors.length).toBeGreaterThanOrEqual(1);
              expect(await everything(db)).toEqual(before);
              return;
            }
            let rows = 0;
            if (diskFull) {
              db[diskFull.table].hook('creating', () => {
                if (++rows > diskFull.after) throw new DOMException('full', 'QuotaExceededError');
              });
            }
            const outcome = await importBackup(db, result.value, mode, T0 + 50 * DAY).then(
              () => 'imported' as const,
              (error: unknown) => error,
            );
            if (outcome !== 'imported') {
              // Only the simulated full disk may stop a validated import, and then nothing changed.
              expect(isQuotaError(outcome)).toBe(true);
              expect(await everything(db)).toEqual(before);
              return;
            }
            imported++;
            const after = await everything(db);
            const cardIds = new Set(after.cards.map((c) => c.id));
            expect(after.reviews.every((r) => cardIds.has(r.cardId))).toBe(true);
            // Whatever the mode, every reviewed card's state is its log replayed.
            const replayed = await replayLog(db);
            for (const card of after.cards) if (replayed.has(card.id)) expect(memoryOf(card)).toEqual(replayed.get(card.id));
            if (mode === 'merge') {
              // Nothing local is lost.
              for (const review of before.reviews) expect(after.reviews).toContainEqual(review);
            } else {
              expect(after.reviews.map((r) => r.id).sort()).toEqual(result.value.reviews.map((r) => r.id).sort());
            }
          } finally {
            await db.delete();
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(imported).toBeGreaterThan(0);
    // 150 real Dexie imports: seconds on an idle machine, far more on a busy 2-core one.
  }, 180_000);
});

/** Any memory state the backup format accepts: lies included (due 2100, stability 5000, 50 reps). */
const statedMemory: fc.Arbitrary<MemoryState> = fc.record({
  due: fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }),
  stability: fc.double({ min: 0, max: 1_000_000, noNaN: true }),
  difficulty: fc.double({ min: 0, max: 10, noNaN: true }),
  state: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
  reps: fc.nat(1000),
  lapses: fc.nat(1000),
  lastReview: fc.option(fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }), { nil: null }),
  scheduledDays: fc.double({ min: 0, max: 1_000_000, noNaN: true }),
  learningSteps: fc.nat(1000),
});

describe('card states that contradict their log (property-based, real Dexie)', () => {
  it('any accepted backup, merged or replacing, leaves every card equal to the replay of its log', async () => {
    let corrected = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(statedMemory, { freq: 2 }), { minLength: 3, maxLength: 3 }),
        fc.constantFrom('merge' as const, 'replace' as const),
        async (lies, mode) => {
          const db = await device();
          try {
            const base = makeBackup();
            const cards = base.cards.map((card, i) => (lies[i] ? { ...card, ...lies[i] } : card));
            const parsed = parseBackup(backupText({ ...base, cards }));
            expect(parsed.ok).toBe(true);
            if (!parsed.ok) return;
            const now = T0 + 50 * DAY;
            const result = await importBackup(db, parsed.value, mode, now);
            corrected += result.corrected;
            const after = await db.cards.toArray();
            const replayed = await replayLog(db);
            for (const card of after) {
              const truth = replayed.get(card.id);
              if (truth) expect(memoryOf(card)).toEqual(truth);
              else {
                // No log: a new card, waiting for nothing later than now.
                expect(card).toMatchObject({ state: 0, reps: 0, lapses: 0, lastReview: null, stability: 0, difficulty: 0 });
                expect(card.due).toBeLessThanOrEqual(now);
              }
            }
          } finally {
            await db.delete();
          }
        },
      ),
      { numRuns: 60 },
    );
    // The generator does make lies, and the import does count them.
    expect(corrected).toBeGreaterThan(0);
  }, 180_000);
});
