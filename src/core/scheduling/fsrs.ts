import {
  type Card as FsrsCard,
  type FSRS,
  type Grade,
  type StepUnit,
  GenSeedStrategyWithCardId,
  State,
  checkParameters,
  clipParameters,
  StrategyMode,
  default_w,
  forgetting_curve,
  fsrs,
  generatorParameters,
} from 'ts-fsrs';
import type { Settings } from '../settings.ts';
import { dateKeyToDayStart } from './day.ts';

/** The only module that talks to ts-fsrs. Everything else sees these plain types. */

export const RATINGS = [1, 2, 3, 4] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_NAMES: Record<Rating, 'Again' | 'Hard' | 'Good' | 'Easy'> = {
  1: 'Again',
  2: 'Hard',
  3: 'Good',
  4: 'Easy',
};

/** 0 new, 1 learning, 2 review, 3 relearning (FSRS's own numbering). */
export type MemoryPhase = 0 | 1 | 2 | 3;
export const PHASE = { new: 0, learning: 1, review: 2, relearning: 3 } as const;

/** A card's FSRS memory state; all times are epoch milliseconds. */
export interface MemoryState {
  due: number;
  stability: number;
  difficulty: number;
  state: MemoryPhase;
  reps: number;
  lapses: number;
  lastReview: number | null;
  scheduledDays: number;
  learningSteps: number;
}

/** What a grade was scheduled with, stored on every review so the log replays exactly. */
export interface ScheduleConfig {
  retention: number;
  maximumIntervalDays: number;
  learningSteps: readonly string[];
  relearningSteps: readonly string[];
  /** With an interview ahead: studied cards must come back before it, on the day before at the latest. */
  dueCap: DueCap | null;
  /** The learner's fitted FSRS-6 weights (21 numbers), or null for the published defaults. */
  parameters: readonly number[] | null;
  /**
   * Where the fuzz's randomness comes from. 'card': the card id and its review count, so a
   * preview, a grade, a replay, a merge and another tab agree. 'time': ts-fsrs's default
   * (grade time, review count, memory), which grades logged before seeding used; kept so
   * those rows replay exactly as they were graded.
   */
  seed: SeedScheme;
}

/** The published FSRS-6 weights, for comparisons and "reset to defaults". */
export const DEFAULT_PARAMETERS: readonly number[] = Object.freeze([...default_w]);
export const PARAMETER_COUNT = 21;

/**
 * Weights the scheduler can use as they are: 21 finite numbers inside FSRS-6's own bounds,
 * rounded to 4 decimals so the text stored with each review replays exactly.
 * Returns null when the numbers are not usable (wrong length, not finite).
 */
export function normaliseParameters(weights: readonly number[]): number[] | null {
  if (weights.length !== PARAMETER_COUNT || weights.some((w) => !Number.isFinite(w))) return null;
  try {
    checkParameters(weights);
  } catch {
    return null;
  }
  return clipParameters([...weights], 0, true).map((w) => Math.round(w * 10_000) / 10_000);
}

export type SeedScheme = 'card' | 'time';
/** Marks a config string as graded with the card-seeded fuzz (a sixth field; old rows have five). */
const CARD_SEED_MARK = 's1';

export interface DueCap {
  /** Start of the interview's study day. */
  interviewStart: number;
  /** Start of the study day before it (a calendar day, so 23 or 25 hours around DST changes). */
  dayBeforeStart: number;
}

const DAY_MS = 86_400_000;

export function scheduleConfigFrom(settings: Settings, now: number): ScheduleConfig {
  let dueCap: DueCap | null = null;
  if (settings.interviewDate) {
    const interviewStart = dateKeyToDayStart(settings.interviewDate, settings.dayStartHour);
    const dayBeforeStart = dateKeyToDayStart(settings.interviewDate, settings.dayStartHour, -1);
    if (interviewStart > now) dueCap = { interviewStart, dayBeforeStart };
  }
  return {
    retention: settings.desiredRetention,
    maximumIntervalDays: settings.maximumIntervalDays,
    learningSteps: settings.learningSteps,
    relearningSteps: settings.relearningSteps,
    dueCap,
    parameters: settings.fsrsParameters ? normaliseParameters(settings.fsrsParameters) : null,
    seed: 'card',
  };
}

/**
 * "retention|max days|learning steps|relearning steps|interview start~day-before start",
 * then "|s1" for card-seeded grades and "|w1,w2,…,w21" only when personal weights are in use.
 * Rows written before seeding have no s1 and read as 'time'; rows graded with the default
 * weights carry none, so older logs and backups read the same.
 */
export function encodeConfig(c: ScheduleConfig): string {
  const cap = c.dueCap ? `${c.dueCap.interviewStart}~${c.dueCap.dayBeforeStart}` : '';
  const fields = [c.retention, c.maximumIntervalDays, c.learningSteps.join(' '), c.relearningSteps.join(' '), cap];
  if (c.seed === 'card') fields.push(CARD_SEED_MARK);
  if (c.parameters) fields.push(c.parameters.join(','));
  return fields.join('|');
}

const STEPS = /^(?:[1-9]\d{0,3}[mhd](?: [1-9]\d{0,3}[mhd])*)?$/;

/** Reads an encoded schedule back; null when the text is not one (e.g. from a damaged backup). */
export function decodeConfig(encoded: string): ScheduleConfig | null {
  const parts = encoded.split('|');
  if (parts.length < 5 || parts.length > 7) return null;
  const [retention, maxIvl, learning = '', relearning = '', cap = ''] = parts;
  const extras = parts.slice(5);
  let seed: SeedScheme = 'time';
  if (extras[0] === CARD_SEED_MARK) {
    seed = 'card';
    extras.shift();
  }
  let parameters: number[] | null = null;
  const weights = extras.shift();
  if (weights !== undefined) {
    const numbers = weights.split(',').map((w) => (w.trim() === '' ? Number.NaN : Number(w)));
    parameters = normaliseParameters(numbers);
    // Only weights exactly as the app writes them: anything else would not replay as graded.
    if (!parameters || parameters.some((w, i) => w !== numbers[i])) return null;
  }
  if (extras.length > 0) return null;
  const r = Number(retention);
  const m = Number(maxIvl);
  if (!retention || !(r >= 0.5 && r <= 0.99) || !maxIvl || !Number.isInteger(m) || m < 1 || m > 36_500) return null;
  if (!STEPS.test(learning) || !STEPS.test(relearning)) return null;
  let dueCap: DueCap | null = null;
  if (cap) {
    const [start, before] = cap.split('~').map(Number) as [number, number | undefined];
    // Logs written before the day-before start was stored: it was taken as 24 hours earlier.
    dueCap = { interviewStart: start, dayBeforeStart: before ?? start - DAY_MS };
    if (!Number.isFinite(dueCap.interviewStart) || !Number.isFinite(dueCap.dayBeforeStart) || dueCap.dayBeforeStart >= dueCap.interviewStart) return null;
  }
  return {
    retention: r,
    maximumIntervalDays: m,
    learningSteps: learning ? learning.split(' ') : [],
    relearningSteps: relearning ? relearning.split(' ') : [],
    dueCap,
    parameters,
    seed,
  };
}

const schedulers = new Map<string, FSRS>();
/** Per config object: a replay grades a million times with a handful of decoded configs. */
const schedulerOfConfig = new WeakMap<ScheduleConfig, FSRS>();
function schedulerFor(config: ScheduleConfig): FSRS {
  let known = schedulerOfConfig.get(config);
  if (!known) {
    known = schedulerForKey(config);
    schedulerOfConfig.set(config, known);
  }
  return known;
}
function schedulerForKey(config: ScheduleConfig): FSRS {
  const key = encodeConfig({ ...config, dueCap: null });
  let scheduler = schedulers.get(key);
  if (!scheduler) {
    scheduler = fsrs(
      generatorParameters({
        request_retention: config.retention,
        maximum_interval: config.maximumIntervalDays,
        enable_fuzz: true,
        enable_short_term: true,
        learning_steps: config.learningSteps as StepUnit[],
        relearning_steps: config.relearningSteps as StepUnit[],
        ...(config.parameters ? { w: [...config.parameters] } : {}),
      }),
    );
    // The card id rides on the card handed to ts-fsrs (see toFsrs); its seed is id + review count.
    if (config.seed === 'card') scheduler.useStrategy(StrategyMode.SEED, GenSeedStrategyWithCardId(CARD_ID_FIELD));
    schedulers.set(key, scheduler);
  }
  return scheduler;
}

export function newMemory(due: number): MemoryState {
  return { due, stability: 0, difficulty: 0, state: 0, reps: 0, lapses: 0, lastReview: null, scheduledDays: 0, learningSteps: 0 };
}

const CARD_ID_FIELD = 'cardId' satisfies keyof ReturnType<typeof toFsrs>;

// One object shape for every card (ts-fsrs copies it twice per grade: a replay of a million
// reviews is dominated by such copies when shapes vary).
function toFsrs(cardId: string, m: MemoryState): FsrsCard & { cardId: string } {
  return {
    cardId,
    due: new Date(m.due),
    stability: m.stability,
    difficulty: m.difficulty,
    elapsed_days: 0,
    scheduled_days: m.scheduledDays,
    learning_steps: m.learningSteps,
    reps: m.reps,
    lapses: m.lapses,
    state: m.state as State,
    last_review: m.lastReview === null ? undefined : new Date(m.lastReview),
  };
}

function fromFsrs(c: FsrsCard): MemoryState {
  return {
    due: c.due.getTime(),
    stability: c.stability,
    difficulty: c.difficulty,
    state: c.state as MemoryPhase,
    reps: c.reps,
    lapses: c.lapses,
    lastReview: c.last_review ? c.last_review.getTime() : null,
    scheduledDays: c.scheduled_days,
    learningSteps: c.learning_steps,
  };
}

/**
 * With an interview date ahead, an interval that would jump past it is shortened so the
 * card comes back on the day before; short (learning) intervals are left alone.
 */
function applyDueCap(next: MemoryState, now: number, dueCap: DueCap | null): MemoryState {
  if (dueCap === null || next.due < dueCap.interviewStart) return next;
  const dayBefore = dueCap.dayBeforeStart;
  if (dayBefore <= now) return next;
  return { ...next, due: dayBefore, scheduledDays: Math.max(1, Math.round((dayBefore - now) / DAY_MS)) };
}

/**
 * ts-fsrs keeps Easy's interval above Good's after clamping, which can push it past the
 * learner's maximum interval; the maximum is a promise, so enforce it here.
 */
function applyMaximum(next: MemoryState, now: number, maximumIntervalDays: number): MemoryState {
  if (next.due - now <= maximumIntervalDays * DAY_MS) return next;
  return { ...next, due: now + maximumIntervalDays * DAY_MS, scheduledDays: maximumIntervalDays };
}

function finish(next: MemoryState, now: number, config: ScheduleConfig): MemoryState {
  return applyDueCap(applyMaximum(next, now, config.maximumIntervalDays), now, config.dueCap);
}

/** A card's next state: a pure function of the card (id and memory), the grade, the time and the schedule. */
export function grade(cardId: string, memory: MemoryState, rating: Rating, now: number, config: ScheduleConfig): MemoryState {
  const result = schedulerFor(config).next(toFsrs(cardId, memory), new Date(now), rating as Grade);
  return finish(fromFsrs(result.card), now, config);
}

/** Next state per grade, for the buttons ("Good · 3d"); equal to grade() with the same inputs. */
export function previewGrades(cardId: string, memory: MemoryState, now: number, config: ScheduleConfig): Record<Rating, MemoryState> {
  const preview = schedulerFor(config).repeat(toFsrs(cardId, memory), new Date(now));
  const out = {} as Record<Rating, MemoryState>;
  for (const rating of RATINGS) out[rating] = finish(fromFsrs(preview[rating as Grade].card), now, config);
  return out;
}

/**
 * Probability of recall at `at`, from the forgetting curve with fractional days; 0 when never
 * studied. Personal weights change the curve's decay, so pass them when the learner has them.
 */
export function retrievability(
  memory: Pick<MemoryState, 'state' | 'stability' | 'lastReview'>,
  at: number,
  parameters: readonly number[] | null = null,
): number {
  if (memory.state === 0 || memory.lastReview === null || memory.stability <= 0) return 0;
  const elapsedDays = Math.max(0, (at - memory.lastReview) / DAY_MS);
  return forgetting_curve(parameters ?? default_w, elapsedDays, memory.stability);
}

/** A log entry that is not a grade: the learner reset the card to new. */
export const RESET_RATING = 0;
export type LogRating = Rating | typeof RESET_RATING;

export interface ReplayStep {
  rating: LogRating;
  reviewedAt: number;
  config: string;
}

/** Decoded schedules by their text: a log holds few distinct ones, repeated on every review. */
const decodedConfigs = new Map<string, ScheduleConfig | null>();
function decodedConfig(encoded: string): ScheduleConfig | null {
  let config = decodedConfigs.get(encoded);
  if (config === undefined) {
    // Bounded: a hostile file could carry a different text on every review.
    if (decodedConfigs.size >= 256) decodedConfigs.clear();
    config = decodeConfig(encoded);
    decodedConfigs.set(encoded, config);
  }
  return config;
}

/** Rebuilds a card's memory state from its reviews (in time order) and its state before the first one. */
export function replay(cardId: string, initial: MemoryState, steps: readonly ReplayStep[]): MemoryState {
  let memory = initial;
  for (const step of steps) {
    if (step.rating === RESET_RATING) {
      memory = newMemory(step.reviewedAt);
      continue;
    }
    const config = decodedConfig(step.config);
    if (!config) throw new Error(`A logged review has an unreadable schedule: "${step.config}"`);
    memory = grade(cardId, memory, step.rating, step.reviewedAt, config);
  }
  return memory;
}

export function formatInterval(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${Math.round(minutes)}m`;
  const hours = minutes / 60;
  if (hours < 24) return `${Math.round(hours)}h`;
  const days = hours / 24;
  if (days < 30) return `${Math.round(days)}d`;
  if (days < 365) return `${(days / 30.4).toFixed(days < 304 ? 1 : 0).replace(/\.0$/, '')}mo`;
  return `${(days / 365).toFixed(1).replace(/\.0$/, '')}y`;
}
