import { describe, expect, it } from 'vitest';
import { fsrs, generatorParameters, createEmptyCard, GenSeedStrategyWithCardId, StrategyMode, Rating as TsRating, type Grade } from 'ts-fsrs';
import {
  formatInterval,
  grade,
  newMemory,
  previewGrades,
  replay,
  retrievability,
  scheduleConfigFrom,
  encodeConfig,
  decodeConfig,
  DEFAULT_PARAMETERS,
  type Rating,
} from '../../../src/core/scheduling/fsrs.ts';
import { DEFAULT_SETTINGS } from '../../../src/core/settings.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const DAY = 86_400_000;
const config = scheduleConfigFrom(DEFAULT_SETTINGS, T0);
const ID = 'py-generators#answer';

describe('scheduling wraps FSRS faithfully', () => {
  it('gives the same due dates as ts-fsrs seeded from the card id and review count, for a run of grades', () => {
    const reference = fsrs(generatorParameters({ request_retention: 0.9, maximum_interval: 365, enable_fuzz: true, learning_steps: ['1m', '10m'], relearning_steps: ['10m'] }))
      .useStrategy(StrategyMode.SEED, GenSeedStrategyWithCardId('cardId'));
    let refCard = { ...createEmptyCard(new Date(T0)), cardId: ID };
    let ours = newMemory(T0);
    const grades: Rating[] = [3, 3, 3, 1, 3, 4, 2, 3];
    let now = T0;
    for (const rating of grades) {
      refCard = { ...reference.next(refCard, new Date(now), rating as Grade).card, cardId: ID };
      ours = grade(ID, ours, rating, now, config);
      expect(ours.due).toBe(refCard.due.getTime());
      expect(ours.stability).toBeCloseTo(refCard.stability, 10);
      expect(ours.difficulty).toBeCloseTo(refCard.difficulty, 10);
      expect(ours.state).toBe(refCard.state);
      now = ours.due;
    }
    expect(TsRating.Good).toBe(3);
  });

  it('replays rows logged before seeding (five-field schedule) exactly as ts-fsrs graded them then', () => {
    // The old wrapper used ts-fsrs's default seed (grade time, reps, memory): those rows must not move.
    const reference = fsrs(generatorParameters({ request_retention: 0.9, maximum_interval: 365, enable_fuzz: true, learning_steps: ['1m', '10m'], relearning_steps: ['10m'] }));
    const legacy = encodeConfig(config).split('|').slice(0, 5).join('|');
    expect(legacy).toBe('0.9|365|1m 10m|10m|');
    expect(decodeConfig(legacy)?.seed).toBe('time');
    let refCard = createEmptyCard(new Date(T0));
    const steps: { rating: Rating; reviewedAt: number; config: string }[] = [];
    let now = T0;
    for (const rating of [3, 3, 4, 3, 1, 3, 3, 4] as Rating[]) {
      refCard = reference.next(refCard, new Date(now), rating as Grade).card;
      steps.push({ rating, reviewedAt: now, config: legacy });
      now = refCard.due.getTime() + 3_600_000;
    }
    const replayed = replay(ID, newMemory(T0), steps);
    expect(replayed.due).toBe(refCard.due.getTime());
    expect(replayed.stability).toBeCloseTo(refCard.stability, 10);
    // The same grades read as card-seeded land on another day: the marker is what keeps old rows put.
    const seededSteps = steps.map((s) => ({ ...s, config: encodeConfig(config) }));
    expect(encodeConfig(config)).toBe('0.9|365|1m 10m|10m||s1');
    const dues = (list: typeof steps) => list.map((_, i) => replay(ID, newMemory(T0), list.slice(0, i + 1)).due);
    expect(dues(seededSteps)).not.toEqual(dues(steps));
  });

  it('previews the four grades with the same result as grading', () => {
    const card = grade(ID, grade(ID, newMemory(T0), 3, T0, config), 3, T0 + 10 * 60_000, config);
    const at = card.due + DAY;
    const preview = previewGrades(ID, card, at, config);
    for (const rating of [1, 2, 3, 4] as Rating[]) expect(preview[rating]).toEqual(grade(ID, card, rating, at, config));
    expect(preview[1].due).toBeLessThan(preview[2].due);
    expect(preview[2].due).toBeLessThanOrEqual(preview[3].due);
    expect(preview[3].due).toBeLessThan(preview[4].due);
  });

  it('walks a new card through the 1m and 10m learning steps before it graduates', () => {
    const first = grade(ID, newMemory(T0), 3, T0, config);
    expect(first.state).toBe(1);
    expect(first.due - T0).toBe(10 * 60_000);
    const again = grade(ID, newMemory(T0), 1, T0, config);
    expect(again.due - T0).toBe(60_000);
    const graduated = grade(ID, first, 3, first.due, config);
    expect(graduated.state).toBe(2);
    expect(graduated.due - first.due).toBeGreaterThanOrEqual(DAY);
  });

  it('never schedules beyond the maximum interval', () => {
    const short = scheduleConfigFrom({ ...DEFAULT_SETTINGS, maximumIntervalDays: 7 }, T0);
    let card = newMemory(T0);
    let now = T0;
    for (let i = 0; i < 8; i++) {
      card = grade(ID, card, 4, now, short);
      expect(card.due - now).toBeLessThanOrEqual(7 * DAY + 1);
      now = card.due;
    }
  });

  it('shortens intervals that would jump past the interview date so the card returns the day before', () => {
    const withDate = scheduleConfigFrom({ ...DEFAULT_SETTINGS, interviewDate: '2026-01-20' }, T0);
    let card = grade(ID, grade(ID, newMemory(T0), 4, T0, withDate), 4, T0 + DAY * 3, withDate);
    card = grade(ID, card, 4, T0 + DAY * 9, withDate);
    const interviewStart = new Date(2026, 0, 20, DEFAULT_SETTINGS.dayStartHour).getTime();
    expect(card.due).toBeLessThan(interviewStart);
    expect(card.due).toBe(interviewStart - DAY);
    const without = grade(ID, grade(ID, grade(ID, newMemory(T0), 4, T0, config), 4, T0 + DAY * 3, config), 4, T0 + DAY * 9, config);
    expect(without.due).toBeGreaterThan(interviewStart);
  });

  it('gives recall 0 for a never-studied card and decays it over time', () => {
    expect(retrievability(newMemory(T0), T0 + DAY)).toBe(0);
    const card = grade(ID, grade(ID, newMemory(T0), 3, T0, config), 3, T0 + 600_000, config);
    const soon = retrievability(card, T0 + DAY);
    const later = retrievability(card, T0 + 30 * DAY);
    expect(soon).toBeGreaterThan(later);
    expect(later).toBeGreaterThan(0);
    expect(soon).toBeLessThanOrEqual(1);
  });

  it('replays a log to exactly the state grading produced, even when settings changed between grades', () => {
    const strict = scheduleConfigFrom({ ...DEFAULT_SETTINGS, desiredRetention: 0.95 }, T0);
    const steps = [
      { rating: 3 as Rating, reviewedAt: T0, config: encodeConfig(config) },
      { rating: 3 as Rating, reviewedAt: T0 + 600_000, config: encodeConfig(config) },
      { rating: 1 as Rating, reviewedAt: T0 + 5 * DAY, config: encodeConfig(strict) },
      { rating: 3 as Rating, reviewedAt: T0 + 5 * DAY + 600_000, config: encodeConfig(strict) },
    ];
    let live = newMemory(T0);
    for (const s of steps) live = grade(ID, live, s.rating, s.reviewedAt, decodeConfig(s.config)!);
    expect(replay(ID, newMemory(T0), steps)).toEqual(live);
  });

  it('reads back every schedule it writes, and refuses damaged ones', () => {
    const withDate = scheduleConfigFrom({ ...DEFAULT_SETTINGS, interviewDate: '2026-03-08' }, T0);
    expect(decodeConfig(encodeConfig(withDate))).toEqual(withDate);
    expect(decodeConfig(encodeConfig(config))).toEqual(config);
    for (const bad of ['', '0.9|365', 'x|365|1m|10m|', '0.9|0|1m|10m|', '0.9|365|1q|10m|', '0.9|365|1m|10m|abc', '0.9|365|1m|10m|5~9']) {
      expect(decodeConfig(bad), bad).toBeNull();
    }
  });

  it('keeps both the seed mark and personal weights in a schedule, and replays grades made with them exactly', () => {
    const weights = [...DEFAULT_PARAMETERS];
    weights[2] = 1.5; // initial stability after a first Good
    const personal = scheduleConfigFrom({ ...DEFAULT_SETTINGS, fsrsParameters: weights }, T0);
    const text = encodeConfig(personal);
    expect(text.split('|').slice(5, 6)).toEqual(['s1']);
    expect(decodeConfig(text)).toEqual(personal);
    // A weight list without the seed mark (a hand-edited row) still decodes, as time-seeded.
    expect(decodeConfig(text.replace('|s1|', '|'))?.seed).toBe('time');
    for (const bad of [`${text}|s1`, text.replace('|s1|', '|s1|s1|'), `${text.split('|').slice(0, 6).join('|')}|1,2,3`]) {
      expect(decodeConfig(bad), bad).toBeNull();
    }
    const first = grade(ID, newMemory(T0), 3, T0, personal);
    const second = grade(ID, first, 3, T0 + 600_000, personal);
    const third = grade(ID, second, 3, T0 + 2 * DAY, personal);
    const steps = [
      { rating: 3 as Rating, reviewedAt: T0, config: text },
      { rating: 3 as Rating, reviewedAt: T0 + 600_000, config: text },
      { rating: 3 as Rating, reviewedAt: T0 + 2 * DAY, config: text },
    ];
    expect(replay(ID, newMemory(T0), steps)).toEqual(third);
    // Personal weights change the schedule: a different first-Good stability than the defaults.
    expect(first.stability).not.toBe(grade(ID, newMemory(T0), 3, T0, config).stability);
  });

  it('formats intervals the way the grade buttons show them', () => {
    expect(formatInterval(60_000)).toBe('1m');
    expect(formatInterval(10 * 60_000)).toBe('10m');
    expect(formatInterval(3 * DAY)).toBe('3d');
    expect(formatInterval(60 * DAY)).toBe('2mo');
    expect(formatInterval(400 * DAY)).toBe('1.1y');
  });
});
