import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { grade, newMemory, scheduleConfigFrom, type MemoryState, type Rating, type ScheduleConfig } from '../../../src/core/scheduling/fsrs.ts';
import { dateKeyToDayStart, localDateKey } from '../../../src/core/scheduling/day.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/core/settings.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const START = new Date(2025, 0, 1, 9).getTime();
const ID = 'py-generators#answer';

const rating = fc.constantFrom<Rating>(1, 2, 3, 4);

/** A card's memory after a random run of grades from new, each at a random gap after the last. */
const memoryArb = fc
  .array(fc.record({ rating, gapMinutes: fc.integer({ min: 1, max: 120 * 24 * 60 }) }), { minLength: 0, maxLength: 12 })
  .map((steps) => {
    const config = scheduleConfigFrom(DEFAULT_SETTINGS, START);
    let memory = newMemory(START);
    let time = START;
    for (const step of steps) {
      time += step.gapMinutes * MINUTE;
      memory = grade(ID, memory, step.rating, time, config);
    }
    return { memory, lastTime: time };
  });

const settingsArb = fc.record({
  desiredRetention: fc.double({ min: 0.7, max: 0.97, noNaN: true }),
  maximumIntervalDays: fc.integer({ min: 1, max: 36_500 }),
  dayStartHour: fc.integer({ min: 0, max: 23 }),
});

/** A graded card, a moment after its last grade, and settings with an interview date around then. */
const scenarioArb = fc
  .record({
    card: memoryArb,
    settings: settingsArb,
    waitMinutes: fc.integer({ min: 0, max: 200 * 24 * 60 }),
    interviewInDays: fc.integer({ min: -30, max: 400 }),
    rating,
  })
  .map(({ card, settings, waitMinutes, interviewInDays, rating: r }) => {
    const now = card.lastTime + waitMinutes * MINUTE;
    const interviewDate = localDateKey(now + interviewInDays * DAY);
    return { memory: card.memory, now, rating: r, settings: { ...DEFAULT_SETTINGS, ...settings, interviewDate } as Settings };
  });

function uncapped(settings: Settings): ScheduleConfig {
  return {
    retention: settings.desiredRetention,
    maximumIntervalDays: settings.maximumIntervalDays,
    learningSteps: settings.learningSteps,
    relearningSteps: settings.relearningSteps,
    dueCap: null,
    parameters: null,
    seed: 'card',
  };
}

function gradeWithDate(memory: MemoryState, r: Rating, now: number, settings: Settings): MemoryState {
  return grade(ID, memory, r, now, scheduleConfigFrom(settings, now));
}

describe('scheduling with an interview date (property)', () => {
  it('brings every graded card back before the interview day while the day before it is still ahead', () => {
    fc.assert(
      fc.property(scenarioArb, ({ memory, now, rating: r, settings }) => {
        const interviewStart = dateKeyToDayStart(settings.interviewDate!, settings.dayStartHour);
        fc.pre(interviewStart - DAY > now);
        const next = gradeWithDate(memory, r, now, settings);
        expect(next.state).not.toBe(0);
        expect(next.due).toBeLessThan(interviewStart);
        expect(next.due).toBeGreaterThan(now);
      }),
      { numRuns: 1000 },
    );
  });

  it('never lengthens an interval: the capped due is at or before the uncapped one', () => {
    fc.assert(
      fc.property(scenarioArb, ({ memory, now, rating: r, settings }) => {
        const capped = gradeWithDate(memory, r, now, settings);
        const free = grade(ID, memory, r, now, uncapped(settings));
        expect(capped.due).toBeLessThanOrEqual(free.due);
        // Only the due time (and its day count) may change, never the memory itself.
        expect({ ...capped, due: 0, scheduledDays: 0 }).toEqual({ ...free, due: 0, scheduledDays: 0 });
      }),
      { numRuns: 1000 },
    );
  });

  it('changes nothing when no interview date is set, or when it has passed', () => {
    fc.assert(
      fc.property(scenarioArb, ({ memory, now, rating: r, settings }) => {
        const free = grade(ID, memory, r, now, uncapped(settings));
        expect(gradeWithDate(memory, r, now, { ...settings, interviewDate: null })).toEqual(free);
        const past = localDateKey(now - 2 * DAY);
        expect(gradeWithDate(memory, r, now, { ...settings, interviewDate: past })).toEqual(free);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('scheduling with an interview date across a daylight-saving change', () => {
  // "The day before" is a calendar day: when clocks go forward it is 23 hours long. New York,
  // interview Sunday 8 March 2026, study days from 04:00: the day before starts Saturday 04:00,
  // 23 hours before the interview day; a grade at Saturday 03:30 must still be capped.
  it('brings a card back before the interview when graded in the hour before a 23-hour day before it', () => {
    const settings: Settings = { ...DEFAULT_SETTINGS, dayStartHour: 4, interviewDate: '2026-03-08' };
    const interviewStart = dateKeyToDayStart('2026-03-08', 4);
    const dayBeforeStart = dateKeyToDayStart('2026-03-07', 4);
    const now = new Date(2026, 2, 7, 3, 30).getTime();
    expect(now).toBeLessThan(dayBeforeStart); // the day before the interview is still ahead
    const learnt = grade(ID, newMemory(now - 30 * DAY), 4, now - 30 * DAY, uncapped(settings));
    expect(gradeWithDate(learnt, 4, now, settings).due).toBeLessThan(interviewStart);
  });
});
