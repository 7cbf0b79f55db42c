import { useEffect, useMemo, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { LoadedQuestion, LoadedSummary, Question, QuestionSummary } from '../../core/bank/question.ts';
import { ownSummaryList } from '../../core/bank/own-summaries.ts';
import { loadOwnSummaries, loadOwnSummaryVersion } from '../library-repo.ts';
import type { RehearseDb } from '../database.ts';
import type { Bank } from '../bank.ts';
import { loadAllQuestions, loadQuestions, peekQuestion } from '../bank.ts';
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

/** Every bank question's full texts, loaded on first use (its parts, cached by the service worker). */
function useAllBankQuestions(enabled = true): readonly Question[] | undefined {
  const [content, setContent] = useState<readonly Question[]>();
  useEffect(() => {
    if (!enabled || content) return;
    let live = true;
    loadAllQuestions().then(
      (all) => live && setContent(all),
      (error: unknown) => console.error('the question bank did not load', error),
    );
    return () => {
      live = false;
    };
  }, [enabled, content]);
  return content;
}

/**
 * One bank question's full text: at once when its part is loaded already (review prefetches
 * the next cards'), else after loading that part alone. Undefined while loading, null when
 * the bank has no such question.
 */
function useBankQuestion(id: string | null): Question | null | undefined {
  const peeked = id ? peekQuestion(id) : undefined;
  const [fetched, setFetched] = useState<{ id: string; question: Question | null }>();
  useEffect(() => {
    if (!id || peeked) return;
    let live = true;
    loadQuestions([id]).then(
      (map) => live && setFetched({ id, question: map.get(id) ?? null }),
      (error: unknown) => console.error('the question did not load', error),
    );
    return () => {
      live = false;
    };
  }, [id, peeked]);
  if (!id) return null;
  return peeked ?? (fetched?.id === id ? fetched.question : undefined);
}

/** Starts loading these bank questions' full texts, so they show at once when their turn comes. */
export function prefetchQuestions(ids: readonly string[]): void {
  if (ids.some((id) => !peekQuestion(id))) loadQuestions(ids).catch(() => undefined);
}

export interface FullQuestions {
  questions: LoadedQuestion[];
  byId: Map<string, LoadedQuestion>;
}

/** Every question with its full texts; undefined until the bank's texts have loaded. */
export function useFullQuestions(enabled = true): FullQuestions | undefined {
  const { bank } = useServices();
  const content = useAllBankQuestions(enabled);
  const own = useOwnQuestions(enabled);
  return useMemo(() => {
    if (!content || !own) return undefined;
    const questions: LoadedQuestion[] = [
      ...content.flatMap((q) => (bank.byId.has(q.id) ? [{ ...q, source: 'bank' as const }] : [])),
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
  const isBank = !!id && bank.byId.has(id);
  const bankQuestion = useBankQuestion(isBank ? id : null);
  const own = useLiveQuery(async () => (id && !isBank ? ((await db.customQuestions.get(id)) ?? null) : null), [db, id, isBank]);
  if (!id) return null;
  if (isBank) {
    if (bankQuestion === undefined) return undefined;
    return bankQuestion ? { ...bankQuestion, source: 'bank' } : null;
  }
  if (own === undefined) return undefined;
  if (!own) return null;
  const { createdAt: _c, updatedAt: _u, ...q } = own;
  return { ...q, source: 'own' };
}
