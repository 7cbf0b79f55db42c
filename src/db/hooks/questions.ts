import { useEffect, useMemo, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { LoadedQuestion, LoadedSummary, Question, QuestionSummary } from '../../core/bank/question.ts';
import { ownSummaryList } from '../../core/bank/own-summaries.ts';
import { loadOwnSummaries, loadOwnSummaryVersion } from '../library-repo.ts';
import type { RehearseDb } from '../database.ts';
import type { Bank } from '../bank.ts';
import { loadBankContent } from '../bank.ts';
import { useServices } from './services.tsx';

export interface QuestionLookup {
  questions: LoadedSummary[];
  byId: Map<string, LoadedSummary>;
  loaded: boolean;
}

function useOwnQuestions(enabled = true) {
  const { db } = useServices();
  return useLiveQuery(async () => (enabled ? db.customQuestions.toArray() : null), [db, enabled]);
}

/** The last lookup built per database, with the summaries version it was built from. */
const lookups = new WeakMap<RehearseDb, { bank: Bank; version: number; lookup: QuestionLookup }>();

/**
 * Bank and own questions as summaries (no long texts): for lists, filters and sessions.
 * Built from the summaries row (see core/bank/own-summaries.ts), not the own questions,
 * and shared by every screen until the row's version changes: with tens of thousands of
 * own questions, reading and indexing them costs a screen ~100 ms.
 */
export function useQuestions(): QuestionLookup {
  const { bank, db } = useServices();
  const lookup = useLiveQuery(async () => {
    const version = await loadOwnSummaryVersion(db);
    const hit = lookups.get(db);
    if (hit && hit.version === version && hit.bank === bank) return hit.lookup;
    const built = lookupOf(bank, ownSummaryList(await loadOwnSummaries(db)), true);
    lookups.set(db, { bank, version, lookup: built });
    return built;
  }, [db, bank]);
  // Until own questions are read, the bank's are known already.
  const bankOnly = useMemo(() => lookupOf(bank, [], false), [bank]);
  return lookup ?? bankOnly;
}

function lookupOf(bank: Bank, own: readonly QuestionSummary[], loaded: boolean): QuestionLookup {
  const questions: LoadedSummary[] = [
    ...bank.questions.map((q) => ({ ...q, source: 'bank' as const })),
    ...own.map((q) => ({ ...q, source: 'own' as const })),
  ];
  return { questions, byId: new Map(questions.map((q) => [q.id, q])), loaded };
}

/** The bank's full texts, loaded on first use (a separate chunk, cached by the service worker). */
export function useBankContent(enabled = true): Map<string, Question> | undefined {
  const [content, setContent] = useState<Map<string, Question>>();
  useEffect(() => {
    if (!enabled || content) return;
    let live = true;
    void loadBankContent().then((map) => live && setContent(map));
    return () => {
      live = false;
    };
  }, [enabled, content]);
  return content;
}

export interface FullQuestions {
  questions: LoadedQuestion[];
  byId: Map<string, LoadedQuestion>;
}

/** Every question with its full texts; undefined until the bank's texts have loaded. */
export function useFullQuestions(enabled = true): FullQuestions | undefined {
  const { bank } = useServices();
  const content = useBankContent(enabled);
  const own = useOwnQuestions(enabled);
  return useMemo(() => {
    if (!content || !own) return undefined;
    const questions: LoadedQuestion[] = [
      ...bank.questions.flatMap((s) => {
        const q = content.get(s.id);
        return q ? [{ ...q, source: 'bank' as const }] : [];
      }),
      ...own.map(({ createdAt: _c, updatedAt: _u, ...q }) => ({ ...q, source: 'own' as const })),
    ];
    return { questions, byId: new Map(questions.map((q) => [q.id, q])) };
  }, [bank, content, own]);
}

/**
 * One question with its full texts, kept current (an edit shows at once): undefined while
 * loading, null when there is no such question. Reads one row, not every own question.
 */
export function useQuestion(id: string | null | undefined): LoadedQuestion | null | undefined {
  const { db, bank } = useServices();
  const isBank = !!id && bank.questions.some((q) => q.id === id);
  const content = useBankContent(isBank);
  const own = useLiveQuery(async () => (id && !isBank ? ((await db.customQuestions.get(id)) ?? null) : null), [db, id, isBank]);
  if (!id) return null;
  if (isBank) {
    if (!content) return undefined;
    const q = content.get(id);
    return q ? { ...q, source: 'bank' } : null;
  }
  if (own === undefined) return undefined;
  if (!own) return null;
  const { createdAt: _c, updatedAt: _u, ...q } = own;
  return { ...q, source: 'own' };
}
