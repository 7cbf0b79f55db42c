// @vitest-environment node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { forgetting_curve, fsrs, generatorParameters } from 'ts-fsrs';
import {
  FIT_REVIEW_CAP,
  capNote,
  countPredictableReviews,
  dayIndex,
  dayOffsetMinutes,
  describeParameters,
  emptySums,
  finishScore,
  groupByCard,
  historyAdvice,
  isBetterFit,
  latestHistories,
  loggedGradeOf,
  mergeSums,
  refitReason,
  scoreParameters,
  toRevlogColumns,
  unreadableNote,
  type LoggedGrade,
} from '../../../src/core/scheduling/optimiser.ts';
import { DEFAULT_PARAMETERS, normaliseParameters, type LogRating } from '../../../src/core/scheduling/fsrs.ts';
import { fitParameters, type FsrsBrowser } from '../../../src/workers/fit-parameters.ts';
import { T0, simulateLearner } from './simulated-learner.ts';

const DAY = 86_400_000;
const OFFSET = dayOffsetMinutes(-300, 4);

let lib: FsrsBrowser;
beforeAll(async () => {
  // fsrs-browser's thread-pool helper listens on `self` when loaded; node has no such global.
  const g = globalThis as unknown as { self?: unknown; addEventListener?: unknown };
  g.self ??= globalThis;
  g.addEventListener ??= () => {};
  const module = await import('fsrs-browser');
  const wasm = readFileSync(fileURLToPath(new URL('../../../node_modules/fsrs-browser/fsrs_browser_bg.wasm', import.meta.url)));
  module.initSync({ module: wasm });
  lib = module as unknown as FsrsBrowser;
});

/** Fits on reviews before `split` and scores both weight sets on the reviews after it. */
function heldOut(log: LoggedGrade[], split: number) {
  const train = groupByCard(log.filter((e) => e.reviewedAt < split));
  const fitted = normaliseParameters(fitParameters(lib, toRevlogColumns(train), OFFSET))!;
  const all = groupByCard(log);
  return {
    fitted,
    fittedScore: scoreParameters(all, fitted, OFFSET, { scoreFrom: split }),
    defaultScore: scoreParameters(all, DEFAULT_PARAMETERS, OFFSET, { scoreFrom: split }),
  };
}

describe('fitting FSRS to a learner', () => {
  it('predicts a fast-forgetting learner\'s later reviews better than the defaults do', () => {
    const truth = [...DEFAULT_PARAMETERS];
    for (let i = 0; i < 4; i++) truth[i] = truth[i]! / 4; // new cards fade four times faster
    truth[8] = truth[8]! - 0.6; // and reviews strengthen memory less
    const log = simulateLearner(truth, 600, 240, 7);
    const { fitted, fittedScore, defaultScore } = heldOut(log, T0 + 170 * DAY);
    expect(fittedScore.count).toBeGreaterThan(300);
    expect(fittedScore.logLoss).toBeLessThan(defaultScore.logLoss);
    expect(fitted[2]).toBeLessThan(DEFAULT_PARAMETERS[2]!); // it found the faster forgetting
  }, 120_000);

  it('keeps the defaults (within noise) for a learner who forgets exactly as they predict', () => {
    const log = simulateLearner(DEFAULT_PARAMETERS, 600, 240, 11);
    const { fittedScore, defaultScore } = heldOut(log, T0 + 170 * DAY);
    expect(Math.abs(fittedScore.logLoss - defaultScore.logLoss)).toBeLessThan(0.01);
  }, 120_000);
});

describe('scoring weights on a log', () => {
  const grade = (cardId: string, day: number, rating: LogRating, hour = 10): LoggedGrade => ({
    cardId,
    rating,
    reviewedAt: T0 + day * DAY + hour * 3_600_000,
    phaseBefore: 2,
  });

  it('equals a direct computation: log loss and binned RMSE over next-day predictions', () => {
    const log = [grade('a', 0, 3), grade('a', 3, 3), grade('a', 10, 1), grade('b', 0, 4), grade('b', 7, 3)];
    const w = [...DEFAULT_PARAMETERS];
    const model = fsrs(generatorParameters({ w, enable_short_term: true }));
    // Card a: predicted at day 3 from the first Good, and at day 10 from the second.
    const a1 = model.next_state(null, 0, 3);
    const p1 = forgetting_curve(w, 3, a1.stability);
    const a2 = model.next_state(a1, 3, 3);
    const p2 = forgetting_curve(w, 7, a2.stability);
    const b1 = model.next_state(null, 0, 4);
    const p3 = forgetting_curve(w, 7, b1.stability);
    const expectedLoss = -(Math.log(p1) + Math.log(1 - p2) + Math.log(p3)) / 3;
    const score = scoreParameters(groupByCard(log), w, OFFSET);
    expect(score.count).toBe(3);
    expect(score.logLoss).toBeCloseTo(expectedLoss, 10);
    // RMSE over bins of predicted recall: each bin's mean prediction against its pass rate.
    const bins = new Map<number, { n: number; p: number; y: number }>();
    for (const [p, y] of [[p1, 1], [p2, 0], [p3, 1]] as const) {
      const b = Math.min(19, Math.floor(p * 20));
      const bin = bins.get(b) ?? { n: 0, p: 0, y: 0 };
      bins.set(b, { n: bin.n + 1, p: bin.p + p, y: bin.y + y });
    }
    const squared = [...bins.values()].reduce((sum, { n, p, y }) => sum + n * (p / n - y / n) ** 2, 0);
    expect(score.rmse).toBeCloseTo(Math.sqrt(squared / 3), 10);
  });

  it('starts again after a reset and does not score same-day reviews', () => {
    const log = [
      grade('a', 0, 3), grade('a', 0, 3, 11), grade('a', 4, 1),
      { ...grade('a', 5, 0), rating: 0 as LogRating },
      grade('a', 5, 3, 12), grade('a', 5, 3, 13),
    ];
    const histories = groupByCard(log);
    // Only day 4 (after the day-0 grades) is predictable; after the reset, day 5's grades are a new card's first day.
    expect(countPredictableReviews(histories, OFFSET)).toBe(0);
    expect(scoreParameters(histories, DEFAULT_PARAMETERS, OFFSET).count).toBe(0);
    const noReset = groupByCard(log.slice(0, 3));
    expect(countPredictableReviews(noReset, OFFSET)).toBe(1);
    expect(scoreParameters(noReset, DEFAULT_PARAMETERS, OFFSET).count).toBe(1);
  });

  it('puts a review before the day-start hour on the previous study day, in the learner\'s zone', () => {
    // 03:30 in New York on Jan 6 belongs to the study day of Jan 5 when days start at 04:00.
    const late = Date.UTC(2026, 0, 6, 8, 30);
    const evening = Date.UTC(2026, 0, 5, 23);
    expect(dayIndex(late, OFFSET)).toBe(dayIndex(evening, OFFSET));
    expect(dayIndex(late, dayOffsetMinutes(-300, 3))).toBe(dayIndex(evening, OFFSET) + 1);
  });

  it('adds chunked scores up to the whole', () => {
    const log = simulateLearner(DEFAULT_PARAMETERS, 40, 60, 3);
    const histories = groupByCard(log);
    const whole = scoreParameters(histories, DEFAULT_PARAMETERS, OFFSET);
    const sums = emptySums();
    for (let from = 0; from < histories.length; from += 7) {
      mergeSums(sums, scoreParameters(histories, DEFAULT_PARAMETERS, OFFSET, { from, to: Math.min(histories.length, from + 7) }).sums);
    }
    const chunked = finishScore(sums);
    expect(chunked.count).toBe(whole.count);
    expect(chunked.logLoss).toBeCloseTo(whole.logLoss, 10);
    expect(chunked.rmse).toBeCloseTo(whole.rmse, 10);
  });
});

describe('the optimiser input', () => {
  it('writes resets as manual entries and same-millisecond grades in order', () => {
    const log: LoggedGrade[] = [
      { cardId: 'x', rating: 3, reviewedAt: 1000, phaseBefore: 0 },
      { cardId: 'x', rating: 1, reviewedAt: 1000, phaseBefore: 2 },
      { cardId: 'x', rating: 0, reviewedAt: 5000, phaseBefore: 3 },
      { cardId: 'y', rating: 4, reviewedAt: 2000, phaseBefore: 0 },
    ];
    const columns = toRevlogColumns(groupByCard(log));
    expect(Array.from(columns.cardIds)).toEqual([1n, 1n, 1n, 2n]);
    expect(Array.from(columns.reviewIds)).toEqual([1000n, 1001n, 5000n, 2000n]);
    expect(Array.from(columns.kinds)).toEqual([0, 1, 4, 0]);
    expect(Array.from(columns.ratings)).toEqual([3, 1, 0, 4]);
  });
});

describe('the history conversion across time zones', () => {
  // A learner in New York (days start at 04:00) who reviews each card at 20:00 and again at
  // 03:30 the next night: one study day. Read in London, the same instants are two days.
  const log: LoggedGrade[] = [];
  for (let c = 0; c < 40; c++) {
    const evening = Date.UTC(2026, 0, 5 + c, 1); // 20:00 in New York (UTC-5)
    log.push({ cardId: `c${c}`, rating: 3, reviewedAt: evening, phaseBefore: 0 });
    log.push({ cardId: `c${c}`, rating: 3, reviewedAt: evening + 7.5 * 3_600_000, phaseBefore: 1 });
  }
  const histories = groupByCard(log);
  const newYork = dayOffsetMinutes(-300, 4);
  const london = dayOffsetMinutes(0, 4);

  it('counts a review after midnight but before the day-start hour as the same study day, in the learner\'s zone only', () => {
    expect(countPredictableReviews(histories, newYork)).toBe(0);
    expect(countPredictableReviews(histories, london)).toBe(40);
    expect(scoreParameters(histories, DEFAULT_PARAMETERS, newYork).count).toBe(0);
    expect(scoreParameters(histories, DEFAULT_PARAMETERS, london).count).toBe(40);
  });

  it('gives fsrs-rs the same day boundaries: nothing to learn in New York, a fit in London', () => {
    const columns = toRevlogColumns(histories);
    const inLondon = fitParameters(lib, columns, london);
    // fsrs-rs finds no review on a later day in New York and answers with its defaults, untouched by this log.
    const inNewYork = fitParameters(lib, toRevlogColumns(histories), newYork);
    const untouched = fitParameters(lib, toRevlogColumns(groupByCard(log.slice(0, 2))), newYork);
    expect(inNewYork).toEqual(untouched);
    expect(inLondon).not.toEqual(inNewYork);
  }, 60_000);
});

describe('bad input to a fit', () => {
  const row = { cardId: 'py-a#answer', rating: 3, reviewedAt: T0, before: { state: 2 } };

  it('reads a stored review row and refuses a damaged one', () => {
    expect(loggedGradeOf(row)).toEqual({ cardId: 'py-a#answer', rating: 3, reviewedAt: T0, phaseBefore: 2 });
    expect(loggedGradeOf({ ...row, rating: 0 })).toMatchObject({ rating: 0 });
    for (const damaged of [
      null,
      'text',
      { ...row, cardId: '' },
      { ...row, rating: 7 },
      { ...row, rating: 2.5 },
      { ...row, rating: '3' },
      { ...row, reviewedAt: Number.NaN },
      { ...row, reviewedAt: -1 },
      { ...row, before: undefined },
      { ...row, before: { state: 9 } },
    ]) {
      expect(loggedGradeOf(damaged), JSON.stringify(damaged)).toBeNull();
    }
  });

  it('says how many damaged rows were left out', () => {
    expect(unreadableNote(0)).toBeNull();
    expect(unreadableNote(1)).toBe('1 damaged review row could not be read and was left out of the fit.');
    expect(unreadableNote(1200)).toBe('1,200 damaged review rows could not be read and were left out of the fit.');
  });

  it('says plainly when no review can be used yet (an empty log)', () => {
    const none = historyAdvice(countPredictableReviews(groupByCard([]), OFFSET))!;
    expect(none.canFit).toBe(false);
    expect(none.message).toMatch(/^None of your reviews can be used yet/);
  });

  it('refuses a fit that returns non-finite numbers or the wrong count, with a message', () => {
    const columns = toRevlogColumns(groupByCard(simulateLearner(DEFAULT_PARAMETERS, 20, 30, 5)));
    // fsrs-browser's interface, answering as a broken build would: the real wasm cannot be made to return NaN.
    const returning = (weights: number[]): FsrsBrowser => ({
      Fsrs: class {
        computeParametersAnki() {
          return Float32Array.from(weights);
        }
        free() {}
      },
    });
    const withNaN = [...DEFAULT_PARAMETERS];
    withNaN[5] = Number.NaN;
    const withInfinity = [...DEFAULT_PARAMETERS];
    withInfinity[20] = Number.POSITIVE_INFINITY;
    for (const weights of [withNaN, withInfinity, DEFAULT_PARAMETERS.slice(0, 19)]) {
      expect(() => fitParameters(returning(weights), columns, OFFSET)).toThrow('the optimiser returned numbers that are not usable parameters');
    }
    expect(fitParameters(returning([...DEFAULT_PARAMETERS]), columns, OFFSET)).toHaveLength(21);
    // The second gate, before anything is saved: weights outside FSRS's ranges are refused too.
    expect(normaliseParameters(withNaN)).toBeNull();
    expect(normaliseParameters(withInfinity)).toBeNull();
  });

  it('turns a failure inside fsrs-rs into a message', () => {
    const failing: FsrsBrowser = {
      Fsrs: class {
        computeParametersAnki(): Float32Array {
          throw new Error('unreachable');
        }
        free() {}
      },
    };
    expect(() => fitParameters(failing, toRevlogColumns([]), OFFSET)).toThrow('the optimiser stopped: unreachable');
  });
});

describe('a very long log', () => {
  const card = (id: string, lastDay: number, reviews: number, resets = 0): LoggedGrade[] => {
    const history: LoggedGrade[] = [];
    for (let i = 0; i < reviews; i++) history.push({ cardId: id, rating: 3, reviewedAt: T0 + (lastDay - reviews + 1 + i) * DAY, phaseBefore: i ? 2 : 0 });
    for (let i = 0; i < resets; i++) history.unshift({ cardId: id, rating: 0, reviewedAt: T0 + (lastDay - reviews) * DAY - i, phaseBefore: 2 });
    return history;
  };

  it('fits on the whole histories of the most recently reviewed cards, up to the cap', () => {
    const histories = [card('old', 10, 4), card('newest', 50, 3), card('recent', 40, 5, 2), card('older', 20, 6)];
    const { histories: chosen, kept, total } = latestHistories(histories, 10);
    expect(total).toBe(18); // resets are not reviews
    // newest (3) + recent (5) = 8; older (6) would pass the cap: it and anything reviewed before it stay out.
    expect(chosen.map((h) => h[0]!.cardId)).toEqual(['newest', 'recent']);
    expect(chosen[1]).toHaveLength(7); // whole history, resets included
    expect(kept).toBe(8);
    expect(capNote(kept, total)).toMatch(/^Fitted on your latest 8 reviews \(of 18\): the cards you reviewed most recently/);
  });

  it('uses every review below the cap and says nothing about it', () => {
    const histories = [card('a', 10, 4), card('b', 12, 6)];
    expect(latestHistories(histories, 10)).toEqual({ histories, kept: 10, total: 10 });
    expect(capNote(10, 10)).toBeNull();
    expect(latestHistories(histories).kept).toBeLessThanOrEqual(FIT_REVIEW_CAP);
  });

  it('skips a single card longer than the cap rather than fitting nothing', () => {
    const { histories: chosen, kept } = latestHistories([card('huge', 60, 30), card('b', 12, 6)], 10);
    expect(chosen.map((h) => h[0]!.cardId)).toEqual(['b']);
    expect(kept).toBe(6);
  });
});

describe('advice around a fit', () => {
  it('keeps the current weights unless the new ones are better on both measures', () => {
    expect(isBetterFit({ logLoss: 0.4, rmse: 0.05, count: 100 }, { logLoss: 0.38, rmse: 0.04, count: 100 })).toBe(true);
    expect(isBetterFit({ logLoss: 0.4, rmse: 0.05, count: 100 }, { logLoss: 0.38, rmse: 0.06, count: 100 })).toBe(false);
    expect(isBetterFit({ logLoss: 0.4, rmse: 0.05, count: 100 }, { logLoss: Number.NaN, rmse: 0.01, count: 100 })).toBe(false);
  });

  it('says how a small history limits the fit', () => {
    expect(historyAdvice(3)).toMatchObject({ canFit: false });
    expect(historyAdvice(3)!.message).toMatch(/at least 8/);
    expect(historyAdvice(40)!.message).toMatch(/first four parameters/);
    expect(historyAdvice(200)!.message).toMatch(/rough/);
    expect(historyAdvice(5000)).toBeNull();
  });

  it('suggests a new fit when reviews double or a month passes, not before', () => {
    const fit = { fittedAt: T0, reviewCount: 1000 };
    expect(refitReason(T0 + DAY, 1500, fit)).toBeNull();
    expect(refitReason(T0 + DAY, 2000, fit)).toMatch(/doubled/);
    expect(refitReason(T0 + 31 * DAY, 1100, fit)).toMatch(/month/);
    expect(refitReason(T0, 100, null)).toBeNull();
    expect(refitReason(T0, 500, null)).toMatch(/enough reviews/);
  });

  it('describes faster forgetting in plain words', () => {
    const faster = [...DEFAULT_PARAMETERS];
    faster[2] = faster[2]! / 3;
    expect(describeParameters(faster)[0]).toMatch(/shorter than the average learner/);
    expect(describeParameters(DEFAULT_PARAMETERS)[0]).toMatch(/about the same/);
  });
});
