import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/core/settings.ts';
import { newMemory, type MemoryState } from '../../../src/core/scheduling/fsrs.ts';
import { studyDayStart } from '../../../src/core/scheduling/day.ts';
import {
  INTERVIEW_CHOICES,
  forecastRetention,
  retentionForInterview,
  type ForecastCard,
} from '../../../src/core/scheduling/retention-forecast.ts';

const DAY = 86_400_000;
const NOW = new Date(2026, 10, 2, 9, 0).getTime();

/** A studied collection: review cards with stabilities 1–60 days, last seen 0–40 days ago, plus new cards. */
function collection(studied: number, fresh: number): ForecastCard[] {
  const cards: ForecastCard[] = [];
  for (let i = 0; i < studied; i++) {
    const stability = 1 + ((i * 37) % 60);
    const lastReview = NOW - ((i * 13) % 40) * DAY - 3_600_000;
    const memory: MemoryState = {
      due: lastReview + Math.round(stability) * DAY, stability, difficulty: 3 + (i % 6), state: 2,
      reps: 3 + (i % 5), lapses: i % 3, lastReview, scheduledDays: Math.round(stability), learningSteps: 0,
    };
    cards.push({ id: `py-q${i}#answer`, memory });
  }
  for (let i = 0; i < fresh; i++) cards.push({ id: `ml-new${i}#answer`, memory: newMemory(NOW - DAY) });
  return cards;
}

const settings: Settings = { ...DEFAULT_SETTINGS };

describe('the retention helper', () => {
  it('shows that a higher desired retention costs more reviews a day and buys higher recall', () => {
    const cards = collection(300, 40);
    const low = forecastRetention(cards, 0.8, { now: NOW, settings, days: 30 });
    const high = forecastRetention(cards, 0.95, { now: NOW, settings, days: 30 });
    expect(low.dailyReviews).toHaveLength(30);
    expect(high.averageReviews).toBeGreaterThan(low.averageReviews * 1.3);
    expect(high.recall).toBeGreaterThan(low.recall + 0.02);
    expect(low.recall).toBeGreaterThan(0.6);
    expect(high.recall).toBeLessThanOrEqual(1);
  });

  it('gives the same figures for the same collection, and scales a sampled huge collection back up', () => {
    const small = collection(200, 0);
    const a = forecastRetention(small, 0.9, { now: NOW, settings: { ...settings, reviewsPerDay: 99999 }, days: 30 });
    const b = forecastRetention(small, 0.9, { now: NOW, settings: { ...settings, reviewsPerDay: 99999 }, days: 30 });
    expect(b).toEqual(a);
    // 10,000 cards of the same mix, simulated on a 2,000-card sample: about 50 times the reviews.
    const huge = Array.from({ length: 50 }, (_, k) => small.map((c) => ({ ...c, id: `${c.id}-${k}` }))).flat();
    const scaled = forecastRetention(huge, 0.9, { now: NOW, settings: { ...settings, reviewsPerDay: 99999 }, days: 30, maxCards: 2000 });
    expect(scaled.averageReviews / a.averageReviews).toBeGreaterThan(50 * 0.85);
    expect(scaled.averageReviews / a.averageReviews).toBeLessThan(50 * 1.15);
  });

  it('never studies more due cards in a day than the daily review limit allows', () => {
    const cards = collection(300, 0);
    const capped = { ...settings, reviewsPerDay: 5, newPerDay: 0, relearningSteps: [] };
    const outcome = forecastRetention(cards, 0.9, { now: NOW, settings: capped, days: 20 });
    expect(Math.max(...outcome.dailyReviews)).toBeLessThanOrEqual(5);
    expect(outcome.dailyReviews.every((n) => n === 5)).toBe(true);
  });

  it('introduces new cards at the daily new-card limit and counts their learning steps', () => {
    const outcome = forecastRetention(collection(0, 30), 0.9, { now: NOW, settings: { ...settings, newPerDay: 10 }, days: 5 });
    // Ten new cards a day for three days, each graded at least once, then none left.
    expect(outcome.dailyReviews.slice(0, 3).every((n) => n >= 10)).toBe(true);
    expect(outcome.recall).toBeGreaterThan(0);
  });

  it('with nothing studied, forecasts no reviews and no recall', () => {
    const outcome = forecastRetention([], 0.9, { now: NOW, settings, days: 30 });
    expect(outcome.averageReviews).toBe(0);
    expect(outcome.recall).toBe(0);
  });

  it('for an interview, picks the retention with the best recall on that day, the least work among near-ties', () => {
    const cards = collection(300, 20);
    const interviewStart = studyDayStart(NOW, settings.dayStartHour, 21);
    const advice = retentionForInterview(cards, { now: NOW, settings }, interviewStart)!;
    expect(advice.days).toBe(21);
    expect(advice.outcomes.map((o) => o.retention)).toEqual([...INTERVIEW_CHOICES]);
    const top = Math.max(...advice.outcomes.map((o) => o.recall));
    expect(advice.best.recall).toBeGreaterThanOrEqual(top - 0.005);
    for (const o of advice.outcomes) if (o.recall >= top - 0.005) expect(advice.best.averageReviews).toBeLessThanOrEqual(o.averageReviews);
    expect(retentionForInterview(cards, { now: NOW, settings }, NOW - DAY)).toBeNull();
  });
});
