import { forgetting_curve, fsrs, generatorParameters, type FSRSState } from 'ts-fsrs';
import type { LoggedGrade } from '../../../src/core/scheduling/optimiser.ts';
import type { LogRating, MemoryPhase } from '../../../src/core/scheduling/fsrs.ts';

const DAY = 86_400_000;
/** 09:00 in New York: the simulated learner's first study day. */
export const T0 = Date.UTC(2026, 0, 5, 14);

/** A small deterministic PRNG, so every run simulates the same learner. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A learner whose memory follows FSRS-6 with `truth`: each card is reviewed when its
 * predicted recall reaches 90 %, recalled with the true probability, graded Again when
 * forgotten and mostly Good otherwise.
 */
export function simulateLearner(truth: readonly number[], cards: number, days: number, seed: number): LoggedGrade[] {
  const random = prng(seed);
  const model = fsrs(generatorParameters({ w: [...truth], enable_short_term: true }));
  const log: LoggedGrade[] = [];
  for (let c = 0; c < cards; c++) {
    const cardId = `card-${c}`;
    let day = Math.floor((c / cards) * (days / 2));
    const firstRoll = random();
    let rating: LogRating = firstRoll < 0.15 ? 1 : firstRoll < 0.25 ? 2 : firstRoll < 0.9 ? 3 : 4;
    let phase: MemoryPhase = 0;
    let memory: FSRSState | null = null;
    let lastDay = day;
    while (day < days) {
      const at = T0 + day * DAY + Math.floor(random() * 8 * 3_600_000);
      if (memory) {
        const recall = forgetting_curve(truth as number[], day - lastDay, memory.stability);
        const roll = random();
        rating = random() < recall ? (roll < 0.1 ? 2 : roll < 0.9 ? 3 : 4) : 1;
      }
      log.push({ cardId, rating, reviewedAt: at, phaseBefore: phase });
      memory = model.next_state(memory, memory ? day - lastDay : 0, rating);
      phase = rating === 1 ? 3 : 2;
      lastDay = day;
      day += rating === 1 ? 1 : Math.max(1, Math.round(memory.stability));
    }
  }
  return log;
}

