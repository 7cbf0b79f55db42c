import { describe, expect, it } from 'vitest';
import { masteryBy, masteryReport, masteryReports, type MasteryCard, type QuestionFacts } from '../../../src/core/mastery/mastery.ts';

const DAY = 86_400_000;
const AT = new Date(2026, 4, 10, 9, 0).getTime();

// FSRS-6 recall is exactly 0.9 once as many days have passed as the card's stability,
// and 1 right after a review. By hand, for t = 3·S: factor = 0.9^(-1/0.1542) − 1 ≈ 0.9805,
// R = (1 + 3·0.9805)^(−0.1542) ≈ 0.809.
function studied(questionId: string, state: 1 | 2 | 3, stability: number, daysSinceReview: number, patch: Partial<MasteryCard> = {}): MasteryCard {
  return { questionId, state, stability, lastReview: AT - daysSinceReview * DAY, suspended: false, hidden: false, ...patch };
}
function fresh(questionId: string, patch: Partial<MasteryCard> = {}): MasteryCard {
  return { questionId, state: 0, stability: 0, lastReview: null, suspended: false, hidden: false, ...patch };
}

const QUESTIONS: Record<string, QuestionFacts> = {
  q1: { technology: 'python', topic: 'Core', level: 'beginner' },
  q2: { technology: 'python', topic: 'Core', level: 'intermediate' },
  q3: { technology: 'ml', topic: 'Evaluation', level: 'beginner' },
  q5: { technology: 'ml', topic: 'Core', level: 'advanced' },
};
const lookup = (id: string) => QUESTIONS[id];

const CARDS: MasteryCard[] = [
  studied('q1', 2, 10, 10), // 0.9
  fresh('q1'), // never studied: 0
  studied('q2', 1, 2, 0), // just reviewed, learning: 1
  studied('q2', 2, 50, 0, { suspended: true }), // left out of mastery, counted as suspended
  studied('q3', 2, 5, 5), // 0.9
  studied('q3', 2, 5, 0, { hidden: true }), // its question left the bank: ignored
  studied('q4', 2, 5, 0), // question unknown to the lookup: ignored
  studied('q5', 3, 4, 12), // relearning, t = 3·S: ≈ 0.809
];

describe('mastery per technology, topic and level', () => {
  const report = masteryReport(CARDS, lookup, AT);

  it('averages recall over active cards, counting never-studied cards as 0 and leaving suspended ones out', () => {
    const core = report.topics.find((t) => t.technology === 'python' && t.topic === 'Core')!;
    expect(core.mastery).toBeCloseTo((0.9 + 0 + 1) / 3, 6);
    expect(core.coverage).toBeCloseTo(2 / 3, 9);
    expect(core.total).toBe(3);
    expect(core.counts).toEqual({ new: 1, learning: 1, review: 1, suspended: 1 });
  });

  it('keeps topics of the same name apart when they belong to different technologies', () => {
    const mlCore = report.topics.find((t) => t.technology === 'ml' && t.topic === 'Core')!;
    expect(mlCore.mastery).toBeCloseTo(0.809, 3);
    expect(mlCore.counts).toEqual({ new: 0, learning: 1, review: 0, suspended: 0 });
    expect(report.topics).toHaveLength(3);
  });

  it('lists topics weakest first', () => {
    expect(report.topics.map((t) => `${t.technology}/${t.topic}`)).toEqual(['python/Core', 'ml/Core', 'ml/Evaluation']);
  });

  it('sums technologies, levels and the whole collection from the same cards', () => {
    const python = report.technologies.find((t) => t.key === 'python')!;
    const ml = report.technologies.find((t) => t.key === 'ml')!;
    expect(python.mastery).toBeCloseTo(1.9 / 3, 6);
    expect(ml.mastery).toBeCloseTo((0.9 + 0.809) / 2, 3);
    expect(ml.coverage).toBe(1);
    const levels = Object.fromEntries(report.levels.map((l) => [l.key, l.mastery]));
    expect(levels.beginner).toBeCloseTo((0.9 + 0 + 0.9) / 3, 6);
    expect(levels.intermediate).toBeCloseTo(1, 6);
    expect(levels.advanced).toBeCloseTo(0.809, 3);
    expect(report.overall.mastery).toBeCloseTo((0.9 + 0 + 1 + 0.9 + 0.809) / 5, 3);
    expect(report.overall.coverage).toBeCloseTo(4 / 5, 9);
    expect(report.overall.counts).toEqual({ new: 1, learning: 2, review: 2, suspended: 1 });
  });

  it('gives a topic with only suspended or new cards 0% rather than dividing by zero', () => {
    const only = masteryReport([fresh('q1', { suspended: true })], lookup, AT);
    expect(only.topics[0]).toMatchObject({ mastery: 0, coverage: 0, total: 0, counts: { suspended: 1 } });
  });

  it('still answers masteryBy with any grouping', () => {
    const byQuestion = masteryBy(CARDS, (c) => c.questionId, AT);
    expect(byQuestion.map((g) => g.key)).toEqual(['q1', 'q5', 'q3', 'q2', 'q4']);
    expect(byQuestion.find((g) => g.key === 'q1')!.mastery).toBeCloseTo(0.45, 6);
  });
});

describe('readiness on an interview date', () => {
  it('predicts recall on that date as if no further reviews happen', () => {
    const cards = [
      studied('q1', 2, 10, 0), // on the day, 10 days later: 0.9
      studied('q3', 2, 20, 10), // 20 days after its review: 0.9
      studied('q3', 2, 4, 2), // 12 days after: 3·S, ≈ 0.809
      fresh('q3'), // still 0
    ];
    const [now, onTheDay] = masteryReports(cards, lookup, [AT, AT + 10 * DAY]);
    expect(onTheDay!.topics.find((t) => t.topic === 'Core')!.mastery).toBeCloseTo(0.9, 6);
    expect(onTheDay!.topics.find((t) => t.topic === 'Evaluation')!.mastery).toBeCloseTo((0.9 + 0.809 + 0) / 3, 3);
    expect(onTheDay!.topics[0]!.topic).toBe('Evaluation');
    // Recall only fades while nothing is reviewed.
    expect(onTheDay!.overall.mastery).toBeLessThan(now!.overall.mastery);
    expect(onTheDay!.overall.coverage).toBe(now!.overall.coverage);
  });
});
