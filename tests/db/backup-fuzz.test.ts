import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase, type RehearseDb } from '../../src/db/database.ts';
import { memoryOf, replayLog, syncBankCards } from '../../src/db/cards-repo.ts';
import { importBackup } from '../../src/db/backup-repo.ts';
import { parseBackup } from '../../src/core/backup/parse-backup.ts';
import { isQuotaError } from '../../src/core/backup/storage-errors.ts';
import { makeQuestion } from '../fixtures.ts';
import { backupText, gradedCard, T0, DAY } from '../core/backup/backup-fixtures.ts';
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
            if (mode === 'merge') {
              // Nothing local is lost, and every reviewed card's state is its log replayed.
              for (const review of before.reviews) expect(after.reviews).toContainEqual(review);
              const replayed = await replayLog(db);
              for (const card of after.cards) if (replayed.has(card.id)) expect(memoryOf(card)).toEqual(replayed.get(card.id));
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
  });
});
