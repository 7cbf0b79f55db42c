import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  encodeConfig,
  grade,
  newMemory,
  previewGrades,
  replay,
  scheduleConfigFrom,
  type MemoryState,
  type Rating,
} from '../../../src/core/scheduling/fsrs.ts';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5, 9);
const config = scheduleConfigFrom(DEFAULT_SETTINGS, START);

const cardId = fc
  .tuple(fc.constantFrom('py', 'ml', 'llm', 'own'), fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.constantFrom('answer', 'mistakes'))
  .map(([prefix, slug, kind]) => `${prefix}-${slug}#${kind}`);
const rating = fc.constantFrom<Rating>(1, 2, 3, 4);
const run = fc.array(fc.record({ rating, gapMinutes: fc.integer({ min: 1, max: 60 * 24 * 90 }) }), { minLength: 1, maxLength: 15 });

describe('seeded fuzz (property)', () => {
  it('previews, grades and replays every grade to the same state, for random cards and runs of grades', () => {
    fc.assert(
      fc.property(cardId, run, (id, steps) => {
        let memory = newMemory(START);
        let time = START;
        const log: { rating: Rating; reviewedAt: number; config: string }[] = [];
        for (const step of steps) {
          time = Math.max(time + step.gapMinutes * MINUTE, memory.lastReview ?? time);
          const preview = previewGrades(id, memory, time, config);
          const graded = grade(id, memory, step.rating, time, config);
          expect(graded).toEqual(preview[step.rating]);
          log.push({ rating: step.rating, reviewedAt: time, config: encodeConfig(config) });
          memory = graded;
        }
        expect(replay(id, newMemory(START), log)).toEqual(memory);
      }),
      { numRuns: 300 },
    );
  });

  it('gives one card the same interval whenever on the same day it is graded, so a preview and a later grade agree', () => {
    fc.assert(
      fc.property(cardId, run, rating, fc.integer({ min: 0, max: DAY - 1 }), fc.integer({ min: 0, max: DAY - 1 }), (id, steps, r, a, b) => {
        let memory: MemoryState = newMemory(START);
        let time = START;
        for (const step of steps) {
          time += step.gapMinutes * MINUTE;
          memory = grade(id, memory, step.rating, time, config);
        }
        // Two moments of one UTC day, after the card's last review.
        const day = Math.floor((time + DAY) / DAY) * DAY;
        const early = grade(id, memory, r, day + Math.min(a, b), config);
        const late = grade(id, memory, r, day + Math.max(a, b), config);
        expect(late.scheduledDays).toBe(early.scheduledDays);
        expect(late.due - late.lastReview!).toBe(early.due - early.lastReview!);
        expect(late.stability).toBe(early.stability);
      }),
      { numRuns: 300 },
    );
  });

  it('draws the fuzz from the card: the same memory graded for different cards spreads over the fuzz range', () => {
    let memory = newMemory(START);
    let time = START;
    for (const r of [3, 3, 3, 3] as Rating[]) {
      memory = grade('py-seed#answer', memory, r, time, config);
      time = memory.due;
    }
    expect(memory.scheduledDays).toBeGreaterThan(7);
    const days = new Set(Array.from({ length: 40 }, (_, i) => grade(`py-card-${i}#answer`, memory, 3, time, config).scheduledDays));
    expect(days.size).toBeGreaterThan(2);
    // …and the same card always draws the same.
    expect(grade('py-card-7#answer', memory, 3, time, config)).toEqual(grade('py-card-7#answer', memory, 3, time, config));
  });
});
