import { forgetting_curve, fsrs, generatorParameters, type FSRSState } from 'ts-fsrs';
import { DEFAULT_PARAMETERS, RESET_RATING, type LogRating, type MemoryPhase } from './fsrs.ts';

/**
 * Everything the FSRS optimiser needs from the review log, and our own evaluation of a
 * set of weights on it. The fit itself runs in fsrs-browser (WebAssembly) in a worker;
 * this module only prepares its input and judges its output, so it stays pure and fast
 * to test.
 */

/** One logged event of one card, oldest first within the card. */
export interface LoggedGrade {
  cardId: string;
  rating: LogRating;
  reviewedAt: number;
  /** The card's phase before this grade (0 new, 1 learning, 2 review, 3 relearning). */
  phaseBefore: MemoryPhase;
}

/** Review-log columns in the shape fsrs-browser's `computeParametersAnki` takes (Anki's revlog). */
export interface RevlogColumns {
  cardIds: BigInt64Array;
  ratings: Uint8Array;
  /** Review times in epoch ms, strictly increasing within a card (Anki uses them as row ids). */
  reviewIds: BigInt64Array;
  /** Anki's revlog kinds: 0 learn, 1 review, 2 relearn, 4 manual (our reset to new). */
  kinds: Uint8Array;
}

const DAY_MS = 86_400_000;

/**
 * Minutes to add to UTC so that whole days start at the learner's day-start hour, which
 * is what fsrs-rs's `minute_offset` means (offset from UTC minus the day-start hour).
 * `utcOffsetMinutes` is east-positive (New York in winter: -300).
 */
export function dayOffsetMinutes(utcOffsetMinutes: number, dayStartHour: number): number {
  return utcOffsetMinutes - dayStartHour * 60;
}

/** Index of the study day `time` falls in, for a fixed offset (as fsrs-rs buckets days). */
export function dayIndex(time: number, offsetMinutes: number): number {
  return Math.floor((time + offsetMinutes * 60_000) / DAY_MS);
}

/**
 * One stored review row as the optimiser reads it, or null when the row is damaged and cannot
 * be part of a history (no card, a rating outside 0–4, a time that is not a date, no phase
 * before). The fit then leaves it out and says how many it left out, rather than failing.
 */
export function loggedGradeOf(row: unknown): LoggedGrade | null {
  if (!row || typeof row !== 'object') return null;
  const { cardId, rating, reviewedAt, before } = row as Record<string, unknown>;
  const phase = before && typeof before === 'object' ? (before as Record<string, unknown>).state : undefined;
  if (typeof cardId !== 'string' || cardId === '') return null;
  if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 0 || rating > 4) return null;
  if (typeof reviewedAt !== 'number' || !Number.isFinite(reviewedAt) || reviewedAt < 0 || reviewedAt > 8.64e15) return null;
  if (typeof phase !== 'number' || !Number.isInteger(phase) || phase < 0 || phase > 3) return null;
  return { cardId, rating: rating as LogRating, reviewedAt, phaseBefore: phase as MemoryPhase };
}

/** What a fit says about rows it had to leave out, or null when every row was read. */
export function unreadableNote(unreadable: number): string | null {
  if (unreadable === 0) return null;
  return `${unreadable.toLocaleString('en')} damaged review ${unreadable === 1 ? 'row could not be read and was' : 'rows could not be read and were'} left out of the fit.`;
}

/** Groups a log into per-card histories (input order within a card is kept; pass it oldest first). */
export function groupByCard(log: readonly LoggedGrade[]): LoggedGrade[][] {
  const byCard = new Map<string, LoggedGrade[]>();
  for (const entry of log) {
    let list = byCard.get(entry.cardId);
    if (!list) byCard.set(entry.cardId, (list = []));
    list.push(entry);
  }
  for (const list of byCard.values()) list.sort((a, b) => a.reviewedAt - b.reviewedAt);
  return [...byCard.values()];
}

export function toRevlogColumns(histories: readonly (readonly LoggedGrade[])[]): RevlogColumns {
  const size = histories.reduce((sum, h) => sum + h.length, 0);
  const columns: RevlogColumns = {
    cardIds: new BigInt64Array(size),
    ratings: new Uint8Array(size),
    reviewIds: new BigInt64Array(size),
    kinds: new Uint8Array(size),
  };
  let row = 0;
  histories.forEach((history, cardIndex) => {
    let previous = -Infinity;
    for (const entry of history) {
      // Two grades in the same millisecond would collide as revlog ids: keep them in order.
      const id = Math.max(entry.reviewedAt, previous + 1);
      previous = id;
      columns.cardIds[row] = BigInt(cardIndex + 1);
      columns.reviewIds[row] = BigInt(id);
      columns.ratings[row] = entry.rating;
      columns.kinds[row] =
        entry.rating === RESET_RATING ? 4 : entry.phaseBefore === 2 ? 1 : entry.phaseBefore === 3 ? 2 : 0;
      row++;
    }
  });
  return columns;
}

/**
 * Most reviews one fit uses. fsrs-rs's time and memory grow linearly with the reviews (five
 * passes over them): in Chromium on a busy 2-core machine 100,000 took 75 s and 34 MB of
 * WebAssembly memory, a million 23 minutes and 316 MB (tests/bench/optimiser-fit.bench-run.ts),
 * too long to wait for on a phone. fsrs-rs weights recent reviews more anyway (it has no window
 * of its own), so the oldest ones are the ones to leave out.
 */
export const FIT_REVIEW_CAP = 100_000;

const reviewsIn = (history: readonly LoggedGrade[]) => history.reduce((n, e) => n + (e.rating === RESET_RATING ? 0 : 1), 0);

/**
 * The histories a fit uses: all of them up to `cap` reviews; beyond it, the whole histories of
 * the cards reviewed most recently, until `cap` is reached (a card's history is never cut:
 * its memory is only known from its first grade). `kept` and `total` count reviews (not resets).
 */
export function latestHistories(
  histories: readonly LoggedGrade[][],
  cap = FIT_REVIEW_CAP,
): { histories: LoggedGrade[][]; kept: number; total: number } {
  const sizes = histories.map(reviewsIn);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total <= cap) return { histories: [...histories], kept: total, total };
  const last = (h: readonly LoggedGrade[]) => (h.length ? h[h.length - 1]!.reviewedAt : -Infinity);
  const order = histories.map((_, i) => i).sort((a, b) => last(histories[b]!) - last(histories[a]!));
  const chosen: LoggedGrade[][] = [];
  let kept = 0;
  for (const i of order) {
    if (kept + sizes[i]! > cap) {
      if (kept === 0) continue;
      break;
    }
    chosen.push(histories[i]!);
    kept += sizes[i]!;
  }
  return { histories: chosen, kept, total };
}

/** What the learner is told when a fit used only their latest reviews; null when it used all. */
export function capNote(kept: number, total: number): string | null {
  if (kept >= total) return null;
  return `Fitted on your latest ${kept.toLocaleString('en')} reviews (of ${total.toLocaleString('en')}): the cards you reviewed most recently, each with its whole history. All of them would take many minutes on this device, and recent reviews say the most about your memory now.`;
}

/** The part of a history the model can learn from: after the last reset to new. */
function sinceLastReset(history: readonly LoggedGrade[]): readonly LoggedGrade[] {
  for (let i = history.length - 1; i >= 0; i--) if (history[i]!.rating === RESET_RATING) return history.slice(i + 1);
  return history;
}

/**
 * How many reviews can be predicted: those with an earlier review of the same card on an
 * earlier study day. fsrs-rs returns the defaults below 8 of these and fits only the four
 * initial stabilities below 64 (its own count differs slightly: it also filters outliers).
 */
export function countPredictableReviews(histories: readonly (readonly LoggedGrade[])[], offsetMinutes: number): number {
  let count = 0;
  for (const full of histories) {
    const history = sinceLastReset(full);
    for (let i = 1; i < history.length; i++) {
      if (dayIndex(history[i]!.reviewedAt, offsetMinutes) > dayIndex(history[i - 1]!.reviewedAt, offsetMinutes)) count++;
    }
  }
  return count;
}

export interface FitScore {
  /** Mean binary cross-entropy of predicted recall against what happened (lower is better). */
  logLoss: number;
  /** RMSE between mean predicted and observed recall over 20 bins of predicted recall, weighted by count. */
  rmse: number;
  /** Reviews scored. */
  count: number;
}

const BINS = 20;
const EPSILON = 1e-6;

/**
 * Scores weights on a log: each card's memory is replayed from its first grade (after the
 * last reset) with these weights, and every review on a later study day is predicted from
 * the state before it. Same-day reviews update the memory (FSRS-6's short-term formula) but
 * are not scored, as fsrs-rs does. Pass/fail: anything but Again counts as recalled.
 * `from`/`to` score a slice of the cards (for progress in chunks); `scoreFrom` scores only
 * reviews at or after that time (held-out later reviews), the earlier ones still build memory.
 */
export function scoreParameters(
  histories: readonly (readonly LoggedGrade[])[],
  weights: readonly number[],
  offsetMinutes: number,
  options: { from?: number; to?: number; scoreFrom?: number } = {},
): FitScore & { sums: ScoreSums } {
  const { from = 0, to = histories.length, scoreFrom = -Infinity } = options;
  const model = fsrs(generatorParameters({ w: [...weights], enable_short_term: true }));
  const sums = emptySums();
  for (let c = from; c < to; c++) {
    const history = sinceLastReset(histories[c]!);
    let memory: FSRSState | null = null;
    let lastDay = 0;
    for (const entry of history) {
      const day = dayIndex(entry.reviewedAt, offsetMinutes);
      const elapsed = memory ? day - lastDay : 0;
      if (memory && elapsed > 0 && entry.reviewedAt >= scoreFrom) {
        const predicted = forgetting_curve(weights as number[], elapsed, memory.stability);
        addPrediction(sums, predicted, entry.rating > 1 ? 1 : 0);
      }
      memory = model.next_state(memory, elapsed, entry.rating);
      lastDay = day;
    }
  }
  return { ...finishScore(sums), sums };
}

export interface ScoreSums {
  logLoss: number;
  count: number;
  binCount: Float64Array;
  binPredicted: Float64Array;
  binObserved: Float64Array;
}

export function emptySums(): ScoreSums {
  return { logLoss: 0, count: 0, binCount: new Float64Array(BINS), binPredicted: new Float64Array(BINS), binObserved: new Float64Array(BINS) };
}

function addPrediction(sums: ScoreSums, predicted: number, observed: 0 | 1): void {
  const p = Math.min(1 - EPSILON, Math.max(EPSILON, predicted));
  sums.logLoss -= observed ? Math.log(p) : Math.log(1 - p);
  sums.count++;
  const bin = Math.min(BINS - 1, Math.floor(p * BINS));
  sums.binCount[bin]! += 1;
  sums.binPredicted[bin]! += p;
  sums.binObserved[bin]! += observed;
}

/** Adds partial sums (from chunks scored separately) into `into`. */
export function mergeSums(into: ScoreSums, more: ScoreSums): ScoreSums {
  into.logLoss += more.logLoss;
  into.count += more.count;
  for (let b = 0; b < BINS; b++) {
    into.binCount[b]! += more.binCount[b]!;
    into.binPredicted[b]! += more.binPredicted[b]!;
    into.binObserved[b]! += more.binObserved[b]!;
  }
  return into;
}

export function finishScore(sums: ScoreSums): FitScore {
  if (sums.count === 0) return { logLoss: Number.NaN, rmse: Number.NaN, count: 0 };
  let squared = 0;
  for (let b = 0; b < BINS; b++) {
    const n = sums.binCount[b]!;
    if (n === 0) continue;
    const gap = sums.binPredicted[b]! / n - sums.binObserved[b]! / n;
    squared += n * gap * gap;
  }
  return { logLoss: sums.logLoss / sums.count, rmse: Math.sqrt(squared / sums.count), count: sums.count };
}

/**
 * Anki's rule: new weights replace the current ones only when they predict this learner's
 * own history better. Here: lower log loss, and RMSE no worse.
 */
export function isBetterFit(current: FitScore, candidate: FitScore): boolean {
  if (!Number.isFinite(candidate.logLoss) || !Number.isFinite(candidate.rmse)) return false;
  if (!Number.isFinite(current.logLoss)) return true;
  return candidate.logLoss < current.logLoss && candidate.rmse <= current.rmse;
}

/** Why a fit would be limited, from the number of predictable reviews; null when there is enough. */
export function historyAdvice(predictable: number): { canFit: boolean; message: string } | null {
  if (predictable === 0) {
    return {
      canFit: false,
      message: 'None of your reviews can be used yet: the optimiser learns from a card reviewed again on a later day, and needs at least 8 such reviews (a few hundred for a good fit). Keep reviewing and try again in a week or two.',
    };
  }
  if (predictable < 8) {
    return {
      canFit: false,
      message: `Only ${predictable} of your reviews follow an earlier day's review of the same card. The optimiser needs at least 8 (and a few hundred for a good fit): keep reviewing and try again in a week or two.`,
    };
  }
  if (predictable < 64) {
    return {
      canFit: true,
      message: `With ${predictable} usable reviews only the first four parameters (how long a brand-new card lasts after each grade) can be fitted; the rest stay at their defaults.`,
    };
  }
  if (predictable < 400) {
    return { canFit: true, message: `${predictable} usable reviews: the fit will be rough. It gets better with a few hundred more.` };
  }
  return null;
}

/** When to suggest running the optimiser again: never fitted, reviews doubled, or a month passed. */
export function refitReason(
  now: number,
  reviewCount: number,
  lastFit: { fittedAt: number; reviewCount: number } | null,
): string | null {
  if (!lastFit) return reviewCount >= 400 ? 'You have enough reviews to fit parameters to your own memory.' : null;
  if (reviewCount >= 2 * Math.max(lastFit.reviewCount, 1)) return 'Your reviews have doubled since the last fit.';
  if (now - lastFit.fittedAt >= 30 * DAY_MS && reviewCount > lastFit.reviewCount) return 'A month has passed since the last fit.';
  return null;
}

function days(value: number): string {
  if (value < 1) return `${Math.max(1, Math.round(value * 24))} hours`;
  return value < 10 ? `${value.toFixed(1)} days` : `${Math.round(value)} days`;
}

/**
 * What fitted weights say about this learner, in plain words, compared with the published
 * defaults. Stability is the time until recall falls to 90 %, so the first four weights read
 * as "how long a new card lasts" after a first Again, Hard, Good or Easy.
 */
export function describeParameters(weights: readonly number[], defaults: readonly number[] = DEFAULT_PARAMETERS): string[] {
  const lines: string[] = [];
  const compare = (mine: number, theirs: number) => {
    const ratio = mine / theirs;
    if (ratio > 1.15) return `longer than the average learner (${days(theirs)})`;
    if (ratio < 0.87) return `shorter than the average learner (${days(theirs)})`;
    return `about the same as the average learner (${days(theirs)})`;
  };
  lines.push(`A new card you first grade Good stays at 90 % recall for ${days(weights[2]!)}: ${compare(weights[2]!, defaults[2]!)}.`);
  lines.push(`A new card you first grade Again lasts ${days(weights[0]!)} — ${compare(weights[0]!, defaults[0]!)}.`);
  // w[8] scales how much a successful review grows stability.
  const growth = weights[8]! - defaults[8]!;
  if (Math.abs(growth) > 0.15) {
    lines.push(growth > 0 ? 'Each successful review lengthens your memory more than average, so your intervals grow faster.' : 'Each successful review lengthens your memory less than average, so your intervals grow more slowly.');
  }
  // w[20] is FSRS-6's decay: a larger value means recall drops faster soon after a review and then flattens.
  const decay = weights[20]! - defaults[20]!;
  if (Math.abs(decay) > 0.05) {
    lines.push(decay > 0 ? 'You forget faster in the first days after a review than the average learner, then more slowly.' : 'Your recall falls more evenly over time than the average learner\'s.');
  }
  return lines;
}

/** Nearly the same sets of weights (the fit moved nothing that matters). */
export function sameParameters(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((w, i) => Math.abs(w - b[i]!) < 1e-4);
}
