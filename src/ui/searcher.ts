import { useEffect, useState } from 'react';
import type { SearchPage, SearchRequest, SearchService } from '../core/bank/search.ts';
import type { RehearseDb } from '../db/database.ts';
import { loadBankContent } from '../db/bank.ts';
import { useServices } from './app-context.tsx';
import type { FromSearchWorker, ToSearchWorker } from './search-worker.ts';

interface Searcher {
  /** Starts building the index; later calls do nothing. */
  prepare(): void;
  /** Own questions may have changed: index the difference (once prepared). */
  syncOwn(): void;
  /** A page of results; null when a newer search overtook it. */
  search(request: SearchRequest): Promise<SearchPage | null>;
  /** Calls `listener` whenever the index changed after answers were given; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
}

function listeners() {
  const set = new Set<() => void>();
  return {
    notify: () => set.forEach((listener) => listener()),
    onChange(listener: () => void) {
      set.add(listener);
      return () => void set.delete(listener);
    },
  };
}

/** The index in a worker: own questions are read there, so only a page of results crosses back. */
function workerSearcher(db: RehearseDb): Searcher {
  let worker: Worker | null = null;
  let bankSent: Promise<void> = Promise.resolve();
  let nextId = 0;
  const waiting = new Map<number, (page: SearchPage | null) => void>();
  const changes = listeners();
  const post = (message: ToSearchWorker) => worker!.postMessage(message);
  const prepare = () => {
    if (worker) return;
    worker = new Worker(new URL('./search-worker.ts', import.meta.url), { type: 'module', name: 'search' });
    worker.onmessage = (event: MessageEvent<FromSearchWorker>) => {
      const message = event.data;
      if (message.type === 'changed') return changes.notify();
      waiting.get(message.id)?.(message.page);
      waiting.delete(message.id);
    };
    post({ type: 'open', dbName: db.name });
    post({ type: 'sync' });
    bankSent = loadBankContent().then((content) => post({ type: 'bank', questions: [...content.values()] }));
  };
  return {
    prepare,
    syncOwn: () => {
      if (worker) post({ type: 'sync' });
    },
    async search(request) {
      prepare();
      // The bank's texts must be in before a search, or bank questions would be missing from it.
      await bankSent;
      const id = ++nextId;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        post({ type: 'search', id, request });
      });
    },
    onChange: changes.onChange,
  };
}

/** The same index in this thread, where the platform has no workers (and in jsdom tests). */
function localSearcher(db: RehearseDb): Searcher {
  let ready: Promise<SearchService> | undefined;
  let latest = 0;
  const changes = listeners();
  const sync = (service: SearchService) => void service.syncOwn().then((changed) => changed && changes.notify());
  const prepare = (): Promise<SearchService> => {
    ready ??= Promise.all([import('../core/bank/search.ts'), import('../db/library-repo.ts'), loadBankContent()]).then(
      ([{ SearchService }, repo, content]) => {
        const service = new SearchService(
          { versions: () => repo.ownQuestionVersions(db), load: (ids) => repo.readOwnQuestions(db, ids) },
          () => new Promise<void>((resolve) => setTimeout(resolve, 0)),
        );
        void service.setBank([...content.values()]);
        sync(service);
        return service;
      },
    );
    return ready;
  };
  return {
    prepare: () => void prepare(),
    syncOwn: () => {
      if (ready) void ready.then(sync);
    },
    async search(request) {
      const id = ++latest;
      const service = await prepare();
      return service.search(request, () => id !== latest);
    },
    onChange: changes.onChange,
  };
}

const searchers = new WeakMap<RehearseDb, Searcher>();

/** One index per database for the app's lifetime: leaving the Library and coming back keeps it. */
function searcherFor(db: RehearseDb): Searcher {
  let searcher = searchers.get(db);
  if (!searcher) {
    searcher = typeof Worker === 'undefined' ? localSearcher(db) : workerSearcher(db);
    searchers.set(db, searcher);
  }
  return searcher;
}

/** Runs `task` when the browser is idle (after the screen has painted); returns a cancel. */
function whenIdle(task: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(task, { timeout: 1_000 });
    return () => cancelIdleCallback(handle);
  }
  const handle = setTimeout(task, 50);
  return () => clearTimeout(handle);
}

const NO_RESULTS: SearchPage = { total: 0, rows: [] };

/**
 * Ranked results for a request (null: not searching). The index starts building once the
 * screen is idle, not at the first keystroke, and follows `ownVersion` (any value that
 * changes when own questions do). `pending` is true until the newest query and filters
 * have their answer; a larger `limit` alone keeps the current rows meanwhile.
 */
export function useSearch(request: SearchRequest | null, ownVersion: unknown): { page: SearchPage; pending: boolean } {
  const { db } = useServices();
  const searcher = searcherFor(db);
  useEffect(() => whenIdle(() => searcher.prepare()), [searcher]);
  useEffect(() => {
    searcher.syncOwn();
  }, [searcher, ownVersion]);
  const [revision, setRevision] = useState(0);
  useEffect(() => searcher.onChange(() => setRevision((r) => r + 1)), [searcher]);

  const [answer, setAnswer] = useState<{ key: string; page: SearchPage }>({ key: '', page: NO_RESULTS });
  const key = request ? JSON.stringify([request.query, request.selection, request.flagged ?? null]) : '';
  const limit = request?.limit ?? 0;
  useEffect(() => {
    if (!request) return;
    let live = true;
    void searcher.search(request).then((page) => {
      if (live && page) setAnswer({ key, page });
    });
    return () => {
      live = false;
    };
  }, [searcher, key, limit, revision]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!request) return { page: NO_RESULTS, pending: false };
  return { page: answer.page, pending: answer.key !== key };
}
