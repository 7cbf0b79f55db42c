import { useMemo } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { LoadedQuestion } from '../core/bank/question.ts';
import { useServices } from './app-context.tsx';

export interface QuestionLookup {
  questions: LoadedQuestion[];
  byId: Map<string, LoadedQuestion>;
  loaded: boolean;
}

/** Bank questions and the learner's own, as one live list. */
export function useQuestions(): QuestionLookup {
  const { db, bank } = useServices();
  const own = useLiveQuery(() => db.customQuestions.toArray(), [db]);
  return useMemo(() => {
    const questions: LoadedQuestion[] = [
      ...bank.questions.map((q) => ({ ...q, source: 'bank' as const })),
      ...(own ?? []).map(({ createdAt: _c, updatedAt: _u, ...q }) => ({ ...q, source: 'own' as const })),
    ];
    return { questions, byId: new Map(questions.map((q) => [q.id, q])), loaded: own !== undefined };
  }, [bank, own]);
}
