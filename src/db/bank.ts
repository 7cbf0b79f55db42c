import type { Question, QuestionSummary } from '../core/bank/question.ts';

/** The bank as start-up knows it: summaries only (see src/build/bank-plugin.ts). */
export interface Bank {
  version: string;
  questions: QuestionSummary[];
  byId: Map<string, QuestionSummary>;
}

let index: Promise<Bank> | null = null;
let content: Promise<Map<string, Question>> | null = null;

/** The bank's index, a small chunk: enough to sync cards and draw lists. */
export function loadBank(): Promise<Bank> {
  index ??= import('virtual:question-bank-index').then(({ default: bank }) => ({
    ...bank,
    byId: new Map(bank.questions.map((q) => [q.id, q])),
  }));
  return index;
}

/** Every bank question with its full texts, fetched once when first needed. */
export function loadBankContent(): Promise<Map<string, Question>> {
  const loading = (content ??= import('virtual:question-bank').then(({ default: bank }) => new Map(bank.questions.map((q) => [q.id, q]))));
  // A failed download is tried again by the next caller rather than remembered.
  loading.catch(() => {
    if (content === loading) content = null;
  });
  return loading;
}
