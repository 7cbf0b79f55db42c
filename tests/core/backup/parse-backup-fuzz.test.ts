import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBackup } from '../../../src/core/backup/parse-backup.ts';
import { serializeBackup } from '../../../src/core/backup/write-backup.ts';
import { backupText } from './backup-fixtures.ts';
import { applyMutations, mutations, prototypesUntouched } from './mutations.ts';

const VALID = backupText();

describe('damaged and hostile backup files (property-based)', () => {
  it('never throw; a refusal always says why; an acceptance is a sound backup', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(mutations, (list) => {
        const text = applyMutations(VALID, list);
        const result = parseBackup(text);
        expect(prototypesUntouched()).toBe(true);
        if (result.ok) accepted++;
        else refused++;
        if (result.ok) {
          // Whatever passed is itself a valid backup: writing it out reads back the same.
          // Invalid settings were replaced by their defaults, so the rewritten file has none left to report.
          expect(parseBackup(serializeBackup(result.value).join(''))).toEqual({ ...result, settingsProblems: [] });
          const cardIds = new Set(result.value.cards.map((c) => c.id));
          expect(result.value.reviews.every((r) => cardIds.has(r.cardId))).toBe(true);
        } else {
          expect(result.errors.length).toBeGreaterThanOrEqual(1);
          expect(result.errors.length).toBeLessThanOrEqual(21);
          for (const message of result.errors) {
            expect(typeof message).toBe('string');
            expect(message.trim().length).toBeGreaterThan(5);
            expect(message.length).toBeLessThan(400);
          }
        }
      }),
      { numRuns: 400 },
    );
    // Both branches were exercised: harmless damage (inside a note, say) passes, the rest is refused.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(200);
  });

  it('random text is refused with a message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
        const result = parseBackup(text);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors.length).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
