import type { Question } from '../core/bank/question.ts';

export interface Bank {
  version: string;
  questions: Question[];
  byId: Map<string, Question>;
}

let loading: Promise<Bank> | null = null;

/** The compiled bank, fetched once as its own chunk (precached by the service worker). */
export function loadBank(): Promise<Bank> {
  loading ??= import('virtual:question-bank').then(({ default: bank }) => ({
    ...bank,
    byId: new Map(bank.questions.map((q) => [q.id, q])),
  }));
  return loading;
}
