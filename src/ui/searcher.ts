import { useEffect, useMemo, useRef, useState } from 'react';
import type { Question } from '../core/bank/question.ts';
import { buildSearchIndex, search, type SearchHit } from '../core/bank/search.ts';

interface Searcher {
  search(query: string): Promise<SearchHit[]>;
  dispose(): void;
}

/** Full-text search in a worker where the platform has workers, else in this thread. */
function createSearcher(questions: readonly Question[]): Searcher {
  if (typeof Worker === 'undefined') {
    let index: ReturnType<typeof buildSearchIndex> | null = null;
    return {
      search: async (query) => search((index ??= buildSearchIndex(questions)), query),
      dispose: () => undefined,
    };
  }
  const worker = new Worker(new URL('./search-worker.ts', import.meta.url), { type: 'module' });
  worker.postMessage({ type: 'index', questions });
  let nextId = 0;
  const waiting = new Map<number, (hits: SearchHit[]) => void>();
  worker.onmessage = (event: MessageEvent<{ id: number; hits: SearchHit[] }>) => {
    waiting.get(event.data.id)?.(event.data.hits);
    waiting.delete(event.data.id);
  };
  return {
    search(query) {
      const id = ++nextId;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        worker.postMessage({ type: 'search', id, query });
      });
    },
    dispose: () => worker.terminate(),
  };
}

/** Ranked hits for `query`; the newest query's answer wins when typing fast. */
export function useSearch(questions: readonly Question[] | undefined, query: string): { hits: SearchHit[]; pending: boolean } {
  const searcher = useMemo(() => (questions ? createSearcher(questions) : null), [questions]);
  useEffect(() => () => searcher?.dispose(), [searcher]);
  const [state, setState] = useState<{ query: string; hits: SearchHit[] }>({ query: '', hits: [] });
  const latest = useRef(query);
  latest.current = query;
  useEffect(() => {
    if (!query.trim() || !searcher) return;
    void searcher.search(query).then((hits) => {
      if (latest.current === query) setState({ query, hits });
    });
  }, [searcher, query]);
  if (!query.trim()) return { hits: [], pending: false };
  return { hits: state.hits, pending: state.query !== query };
}
