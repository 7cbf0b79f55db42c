import type { Question } from '../src/core/bank/question.ts';

/** A valid question for tests; only the id and what a test overrides differ. */
export function makeQuestion(id: string, patch: Partial<Question> = {}): Question {
  return {
    id,
    title: `What does ${id} test?`,
    technology: 'python',
    topic: 'Language Fundamentals',
    level: 'beginner',
    difficulty: 2,
    tags: ['testing'],
    answer: `The answer to ${id}.`,
    keyPoints: ['First point', 'Second point', 'Third point'],
    deepExplanation: 'A deeper explanation.',
    realWorldExample: 'An example.',
    commonMistakes: ['**One.** Bites.', '**Two.** Bites.', '**Three.** Bites.'],
    productionScenario: 'A scenario.',
    followUps: ['Why?', 'How?'],
    ...patch,
  };
}
