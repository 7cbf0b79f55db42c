import { LEVELS, TECHNOLOGIES, type Level, type QuestionSummary, type Technology } from './question.ts';

/** A slice of the question bank, as written in a URL (Library filters, focused sessions). */
export interface QuestionSelection {
  technology?: Technology;
  level?: Level;
  topic?: string;
  q?: string;
  minDifficulty?: number;
  maxDifficulty?: number;
  flagged?: boolean;
  /** Only the learner's own questions. */
  own?: boolean;
  /** One question (the "Study it now" action). */
  questionId?: string;
}

const int = (text: string | null, low: number, high: number) => {
  if (text === null || text === '') return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= low && n <= high ? n : undefined;
};

/** Reads a selection from URL parameters; unknown or malformed values are ignored. */
export function selectionFromParams(params: URLSearchParams): QuestionSelection {
  const technology = params.get('technology');
  const level = params.get('level');
  const selection: QuestionSelection = {};
  if (technology && (TECHNOLOGIES as readonly string[]).includes(technology)) selection.technology = technology as Technology;
  if (level && (LEVELS as readonly string[]).includes(level)) selection.level = level as Level;
  const topic = params.get('topic');
  if (topic) selection.topic = topic.slice(0, 60);
  const q = params.get('q');
  if (q?.trim()) selection.q = q.slice(0, 200);
  const min = int(params.get('min'), 1, 10);
  const max = int(params.get('max'), 1, 10);
  if (min !== undefined) selection.minDifficulty = min;
  if (max !== undefined) selection.maxDifficulty = max;
  if (params.get('flagged') === '1') selection.flagged = true;
  if (params.get('own') === '1') selection.own = true;
  const question = params.get('question');
  if (question) selection.questionId = question.slice(0, 120);
  return selection;
}

export function selectionToParams(selection: QuestionSelection): URLSearchParams {
  const params = new URLSearchParams();
  if (selection.q) params.set('q', selection.q);
  if (selection.technology) params.set('technology', selection.technology);
  if (selection.level) params.set('level', selection.level);
  if (selection.topic) params.set('topic', selection.topic);
  if (selection.minDifficulty !== undefined) params.set('min', String(selection.minDifficulty));
  if (selection.maxDifficulty !== undefined) params.set('max', String(selection.maxDifficulty));
  if (selection.flagged) params.set('flagged', '1');
  if (selection.own) params.set('own', '1');
  if (selection.questionId) params.set('question', selection.questionId);
  return params;
}

export function isEmptySelection(selection: QuestionSelection): boolean {
  return selectionToParams(selection).toString() === '';
}

export interface SelectionContext<Q> {
  flagged?: ReadonlySet<string>;
  isOwn?: (q: Q) => boolean;
}

/** Whether a question passes the selection's filters (the query `q` is not a filter: search ranks separately). */
export function matchesSelection<Q extends QuestionSummary>(q: Q, selection: QuestionSelection, context: SelectionContext<Q> = {}): boolean {
  return (
    (!selection.technology || q.technology === selection.technology) &&
    (!selection.level || q.level === selection.level) &&
    (!selection.topic || q.topic === selection.topic) &&
    (selection.minDifficulty === undefined || q.difficulty >= selection.minDifficulty) &&
    (selection.maxDifficulty === undefined || q.difficulty <= selection.maxDifficulty) &&
    (!selection.flagged || !!context.flagged?.has(q.id)) &&
    (!selection.own || !!context.isOwn?.(q)) &&
    (!selection.questionId || q.id === selection.questionId)
  );
}

/**
 * Questions in a selection. `searchRanked` is the search result order (ids) when the
 * selection has a query; the result keeps that ranking.
 */
export function selectQuestions<Q extends QuestionSummary>(
  questions: readonly Q[],
  selection: QuestionSelection,
  context: SelectionContext<Q> & { searchRanked?: readonly string[] } = {},
): Q[] {
  let pool: readonly Q[] = questions;
  if (selection.q && context.searchRanked) {
    const byId = new Map(questions.map((q) => [q.id, q]));
    pool = context.searchRanked.map((id) => byId.get(id)).filter((q): q is Q => !!q);
  }
  return pool.filter((q) => matchesSelection(q, selection, context));
}

/** A short human description: "Python · Advanced · flagged". */
export function describeSelection(selection: QuestionSelection, labelOf: (t: Technology) => string): string {
  const parts: string[] = [];
  if (selection.technology) parts.push(labelOf(selection.technology));
  if (selection.topic) parts.push(selection.topic);
  if (selection.level) parts.push(selection.level[0]!.toUpperCase() + selection.level.slice(1));
  if (selection.minDifficulty !== undefined || selection.maxDifficulty !== undefined) {
    parts.push(`difficulty ${selection.minDifficulty ?? 1}–${selection.maxDifficulty ?? 10}`);
  }
  if (selection.q) parts.push(`“${selection.q}”`);
  if (selection.flagged) parts.push('flagged');
  if (selection.own) parts.push('your own questions');
  if (selection.questionId) parts.push('one question');
  return parts.join(' · ');
}
