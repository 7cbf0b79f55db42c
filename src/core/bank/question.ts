import * as v from 'valibot';

/** The fixed body sections of a question, in the order they appear in a file. */
export const SECTION_HEADINGS = [
  'Answer',
  'Key points',
  'Deep explanation',
  'Real-world example',
  'Common mistakes',
  'Production scenario',
  'Follow-up questions',
] as const;

/** Every question id, bank (`py-context-managers`) or own (`own-1a2b3c4d`): lowercase words joined by single hyphens. */
export const QUESTION_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const TECHNOLOGIES = ['python', 'ml', 'llm'] as const;
export const LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type Technology = (typeof TECHNOLOGIES)[number];
export type Level = (typeof LEVELS)[number];

export const TECHNOLOGY_LABELS: Record<Technology, string> = {
  python: 'Python',
  ml: 'Machine learning',
  llm: 'LLMs',
};

/** Difficulty bands per level; a beginner question rated 9 is a data error. */
export const DIFFICULTY_BY_LEVEL: Record<Level, readonly [number, number]> = {
  beginner: [1, 3],
  intermediate: [4, 6],
  advanced: [7, 10],
};

const nonEmptyText = (field: string) =>
  v.pipe(v.string(`${field} must be text`), v.trim(), v.nonEmpty(`${field} is empty`));

const listOf = (field: string, min: number, max: number) =>
  v.pipe(
    v.array(nonEmptyText(`each item of ${field}`), `${field} must be a list`),
    v.minLength(min, `${field} needs at least ${min} item${min === 1 ? '' : 's'}`),
    v.maxLength(max, `${field} allows at most ${max} items`),
  );

/** True when a question's difficulty lies in its level's band. */
export function difficultyFitsLevel(q: { level: Level; difficulty: number }): boolean {
  const [low, high] = DIFFICULTY_BY_LEVEL[q.level];
  return q.difficulty >= low && q.difficulty <= high;
}

export function difficultyBandMessage(level: Level): string {
  const [low, high] = DIFFICULTY_BY_LEVEL[level];
  return `difficulty must be between ${low} and ${high} for level ${level}`;
}

export const QuestionSchema = v.pipe(
  v.object({
    id: v.pipe(
      v.string('id must be text'),
      v.regex(QUESTION_ID_PATTERN, 'id must be lowercase letters, digits and single hyphens'),
      v.maxLength(100, 'id is longer than 100 characters'),
    ),
    title: v.pipe(nonEmptyText('title'), v.maxLength(300, 'title is longer than 300 characters')),
    technology: v.picklist(TECHNOLOGIES, `technology must be one of ${TECHNOLOGIES.join(', ')}`),
    topic: v.pipe(nonEmptyText('topic'), v.maxLength(60, 'topic is longer than 60 characters')),
    level: v.picklist(LEVELS, `level must be one of ${LEVELS.join(', ')}`),
    difficulty: v.pipe(
      v.number('difficulty must be a number'),
      v.integer('difficulty must be a whole number'),
      v.minValue(1, 'difficulty must be at least 1'),
      v.maxValue(10, 'difficulty must be at most 10'),
    ),
    tags: v.pipe(
      v.array(v.pipe(v.string('each tag must be text'), v.trim(), v.nonEmpty('a tag is empty')), 'tags must be a list'),
      v.maxLength(12, 'tags allows at most 12 items'),
    ),
    answer: nonEmptyText('Answer'),
    keyPoints: listOf('Key points', 3, 5),
    deepExplanation: nonEmptyText('Deep explanation'),
    realWorldExample: nonEmptyText('Real-world example'),
    commonMistakes: listOf('Common mistakes', 3, 8),
    productionScenario: nonEmptyText('Production scenario'),
    followUps: listOf('Follow-up questions', 2, 8),
  }),
  v.check((q) => difficultyFitsLevel(q), (issue) => difficultyBandMessage((issue.input as { level: Level }).level)),
);

export type Question = v.InferOutput<typeof QuestionSchema>;

/** A question as the app holds it: bank questions and the learner's own ones. */
export interface LoadedQuestion extends Question {
  source: 'bank' | 'own';
}

/** What lists, filters, scheduling and progress need: everything but the long texts. */
export type QuestionSummary = Pick<Question, 'id' | 'title' | 'technology' | 'topic' | 'level' | 'difficulty' | 'tags'>;

export interface LoadedSummary extends QuestionSummary {
  source: 'bank' | 'own';
}

export function summarize(q: Question): QuestionSummary {
  return { id: q.id, title: q.title, technology: q.technology, topic: q.topic, level: q.level, difficulty: q.difficulty, tags: q.tags };
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Turns valibot issues into "field: message" lines a person can act on. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => {
    const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

export function validateQuestion(input: unknown): ValidationResult<Question> {
  const result = v.safeParse(QuestionSchema, input);
  return result.success ? { ok: true, value: result.output } : { ok: false, errors: describeIssues(result.issues) };
}
