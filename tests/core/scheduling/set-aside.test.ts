import { describe, expect, it } from 'vitest';
import { applyGrade, sessionProgress, startSession } from '../../../src/core/scheduling/session.ts';
import type { MemoryState } from '../../../src/core/scheduling/fsrs.ts';
import { setAsideCard } from '../../../src/core/scheduling/set-aside.ts';

const NOW = Date.UTC(2026, 4, 10, 9, 0);

describe('setting a card aside during a session', () => {
  it('burying a card not yet graded leaves the plan: progress reads 0 of 2 out of 3', () => {
    const session = setAsideCard(startSession(['a', 'b', 'c'], NOW), 'a');
    expect(session.queue).toEqual(['b', 'c']);
    expect(sessionProgress(session)).toEqual({ done: 0, total: 2, comingBack: 0 });
  });

  it('burying a learning card already graded this session keeps it counted as done', () => {
    let session = startSession(['a', 'b'], NOW);
    const learning: MemoryState = {
      due: NOW + 600_000, stability: 2, difficulty: 5, state: 1, reps: 1, lapses: 0,
      lastReview: NOW, scheduledDays: 0, learningSteps: 1,
    };
    session = applyGrade(session, 'a', 3, 'r1', learning, 1000, NOW + 12 * 3_600_000);
    expect(sessionProgress(session)).toMatchObject({ done: 1, total: 2, comingBack: 1 });
    session = setAsideCard(session, 'a');
    expect(sessionProgress(session)).toEqual({ done: 1, total: 2, comingBack: 0 });
  });

  it('setting aside a card outside the session changes nothing in the plan', () => {
    const session = setAsideCard(startSession(['a', 'b'], NOW), 'z');
    expect(sessionProgress(session)).toEqual({ done: 0, total: 2, comingBack: 0 });
  });
});
