import type { Settings } from '../settings.ts';
import { studyDayStart } from './day.ts';
import { grade, retrievability, scheduleConfigFrom, type MemoryState, type Rating } from './fsrs.ts';

/**
 * The retention helper: what a desired retention costs (reviews a day) and buys (expected
 * recall), simulated on the learner's own collection with their parameters. Each review
 * is recalled with the probability FSRS predicts; the same random draws are used for every
 * retention so the comparison reflects the setting, not the dice.
 */

export interface ForecastCard {
  id: string;
  memory: MemoryState;
}

export interface RetentionOutcome {
  retention: number;
  /** Grades per study day (learning steps included), scaled back up when the collection was sampled. */
  dailyReviews: number[];
  averageReviews: number;
  busiestDay: number;
  /** Mean probability of recall over the cards studied by the horizon, at the horizon. */
  recall: number;
}

export interface ForecastOptions {
  now: number;
  settings: Settings;
  days: number;
  /** Seed of the simulated learner's draws; fixed so the same collection gives the same answer. */
  seed?: number;
  /** Above this many cards a deterministic sample is simulated and its counts scaled up. */
  maxCards?: number;
  /** When the horizon is measured (default: the start of the day after the last simulated one). */
  horizonAt?: number;
}

/** The retentions the helper compares by default. */
export const RETENTION_CHOICES = [0.8, 0.85, 0.9, 0.95] as const;
/** Retentions tried when looking for the best one for an interview. */
export const INTERVIEW_CHOICES = [0.75, 0.8, 0.85, 0.9, 0.95, 0.97] as const;

/** Share of first grades of a new card that are not Again: FSRS has no recall estimate before one. */
const FIRST_RECALL = 0.75;
/** Hour of the study day when the simulated learner sits down (after the day-start hour). */
const SESSION_OFFSET_MS = 5 * 3_600_000;
const MAX_STEPS_PER_DAY = 12;

/** Small, fast and seedable (mulberry32): reproducible draws without Math.random. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A seeded random sample, so a huge collection is simulated in bounded time (an every-k-th
 * pick would follow any pattern in the ids' order); `scale` undoes the sampling in counts.
 */
export function sampleCards(cards: readonly ForecastCard[], maxCards: number, seed = 1): { cards: ForecastCard[]; scale: number } {
  if (cards.length <= maxCards) return { cards: [...cards], scale: 1 };
  // Selection sampling (Knuth's algorithm S): exactly maxCards cards, in their original order.
  const draw = random(seed);
  const sample: ForecastCard[] = [];
  for (let i = 0; i < cards.length && sample.length < maxCards; i++) {
    if (draw() * (cards.length - i) < maxCards - sample.length) sample.push(cards[i]!);
  }
  return { cards: sample, scale: cards.length / sample.length };
}

interface SimCard {
  id: string;
  memory: MemoryState;
  /** Per-card stream of draws, identical across retentions for a fair comparison. */
  draw: () => number;
}

/** Simulates `days` study days at one desired retention. */
export function forecastRetention(cards: readonly ForecastCard[], retention: number, options: ForecastOptions): RetentionOutcome {
  const { now, settings, days } = options;
  const seed = options.seed ?? 1;
  const { cards: sample, scale } = sampleCards(cards, options.maxCards ?? 2000, seed);
  const config = scheduleConfigFrom({ ...settings, desiredRetention: retention }, now);
  const sim: SimCard[] = sample.map((c, i) => ({ id: c.id, memory: c.memory, draw: random(seed * 7919 + i) }));
  const reviewLimit = Math.max(1, Math.round(settings.reviewsPerDay / scale));
  const newLimit = Math.round(settings.newPerDay / scale);
  const parameters = config.parameters;
  const dailyReviews: number[] = [];

  const review = (card: SimCard, at: number): void => {
    const m = card.memory;
    const recallChance = m.state === 0 ? FIRST_RECALL : retrievability(m, at, parameters);
    const rating: Rating = card.draw() < recallChance ? 3 : 1;
    card.memory = grade(card.id, m, rating, at, config);
  };

  for (let day = 0; day < days; day++) {
    const start = studyDayStart(now, settings.dayStartHour, day);
    const end = studyDayStart(now, settings.dayStartHour, day + 1);
    const sitDown = Math.max(start + SESSION_OFFSET_MS, day === 0 ? now : start);
    let grades = 0;
    // Due reviews, most overdue first, up to the learner's daily limit (the rest stay overdue).
    const due = sim.filter((c) => c.memory.state !== 0 && c.memory.due < end).sort((a, b) => a.memory.due - b.memory.due);
    const fresh = sim.filter((c) => c.memory.state === 0).slice(0, newLimit);
    const today = [...due.slice(0, reviewLimit), ...fresh];
    for (const card of today) {
      // Anything due today is studied at the sitting, as a learner clearing the day's queue does.
      let at = sitDown;
      review(card, at);
      grades++;
      // Learning and relearning steps that fall due before the day ends are studied today too.
      for (let step = 0; step < MAX_STEPS_PER_DAY && (card.memory.state === 1 || card.memory.state === 3) && card.memory.due < end; step++) {
        at = Math.max(at + 60_000, card.memory.due);
        if (at >= end) break;
        review(card, at);
        grades++;
      }
    }
    dailyReviews.push(grades * scale);
  }

  const horizon = options.horizonAt ?? studyDayStart(now, settings.dayStartHour, days) + SESSION_OFFSET_MS;
  const studied = sim.filter((c) => c.memory.state !== 0);
  const recall = studied.length ? studied.reduce((sum, c) => sum + retrievability(c.memory, horizon, parameters), 0) / studied.length : 0;
  const total = dailyReviews.reduce((a, b) => a + b, 0);
  return {
    retention,
    dailyReviews,
    averageReviews: days ? total / days : 0,
    busiestDay: dailyReviews.length ? Math.max(...dailyReviews) : 0,
    recall,
  };
}

export interface InterviewAdvice {
  /** Study days left before the interview day. */
  days: number;
  outcomes: RetentionOutcome[];
  best: RetentionOutcome;
}

/**
 * The retention that maximises predicted recall on the interview day within the learner's
 * daily review limit; among outcomes within half a point of the best, the least work wins.
 * Null without an interview date ahead.
 */
export function retentionForInterview(cards: readonly ForecastCard[], options: Omit<ForecastOptions, 'days' | 'horizonAt'>, interviewStart: number): InterviewAdvice | null {
  const { now, settings } = options;
  if (interviewStart <= now) return null;
  let days = 0;
  while (days < 366 && studyDayStart(now, settings.dayStartHour, days + 1) <= interviewStart) days++;
  if (days === 0) return null;
  const horizonAt = interviewStart + SESSION_OFFSET_MS;
  const outcomes = INTERVIEW_CHOICES.map((r) => forecastRetention(cards, r, { ...options, days, horizonAt }));
  const top = Math.max(...outcomes.map((o) => o.recall));
  const best = outcomes.filter((o) => o.recall >= top - 0.005).sort((a, b) => a.averageReviews - b.averageReviews)[0]!;
  return { days, outcomes, best };
}
