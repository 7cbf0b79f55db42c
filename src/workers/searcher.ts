import { useEffect, useState } from 'react';
import type { SearchPage, SearchRequest, SearchService } from '../core/bank/search.ts';
import type { RehearseDb } from '../db/database.ts';
import { bankPartUrls, loadAllQuestions, loadBank } from '../db/bank.ts';
import { feedBank } from './bank-feed.ts';
import { useServices } from '../db/hooks/services.tsx';
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

/** How long a search may go unanswered, with the worker silent, before the main thread takes over. */
const ANSWER_WAIT_MS = 6_000;

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

/**
 * The index in a worker: the bank's full texts are imported and own questions read there, so
 * only the bank's summaries go in and a page of results comes back. The page itself never
 * loads the full texts for search. If the worker fails to start, errs, or stays silent past
 * ANSWER_WAIT_MS, the same index is built on the main thread (which only then loads the full
 * texts) and every waiting search is answered there.
 */
function workerSearcher(db: RehearseDb): Searcher {
  let worker: Worker | null = null;
  let bankSent: Promise<void> = Promise.resolve();
  let fallback: Searcher | null = null;
  let heardAt = 0;
  let nextId = 0;
  const waiting = new Map<number, { request: SearchRequest; resolve: (page: SearchPage | null) => void }>();
  const changes = listeners();
  const post = (message: ToSearchWorker) => worker!.postMessage(message);

  const fallBack = (why: unknown) => {
    if (fallback) return;
    console.error('search: the search worker failed, searching on the main thread', why);
    worker?.terminate();
    const local = localSearcher(db);
    fallback = local;
    local.onChange(changes.notify);
    for (const { request, resolve } of waiting.values()) local.search(request).then(resolve, () => resolve(null));
    waiting.clear();
  };

  const watch = (id: number) => {
    const sentAt = Date.now();
    setTimeout(function check() {
      if (!waiting.has(id)) return;
      // A worker that answered something meanwhile is busy, not lost: give it another while.
      if (heardAt > sentAt) {
        const since = heardAt;
        return void setTimeout(() => (heardAt > since ? check() : waiting.has(id) && fallBack('no answer')), ANSWER_WAIT_MS);
      }
      fallBack(`no answer in ${ANSWER_WAIT_MS} ms`);
    }, ANSWER_WAIT_MS);
  };

  const prepare = () => {
    if (worker) return;
    worker = new Worker(new URL('./search-worker.ts', import.meta.url), { type: 'module', name: 'search' });
    worker.onmessage = (event: MessageEvent<FromSearchWorker>) => {
      heardAt = Date.now();
      const message = event.data;
      if (message.type === 'started') return;
      if (message.type === 'changed') return changes.notify();
      waiting.get(message.id)?.resolve(message.page);
      waiting.delete(message.id);
    };
    // A script that cannot load (or throws) fires this; the page still needs answers.
    worker.onerror = (event) => {
      event.preventDefault();
      fallBack(event.message || 'the worker did not start');
    };
    worker.onmessageerror = () => fallBack('a message could not be read');
    post({ type: 'open', dbName: db.name });
    post({ type: 'sync' });
    // The URLs of the bank's parts (a small module a card loads too): the worker imports the
    // parts themselves, the same precached files.
    bankPartUrls(location.href).then(
      (urls) => post({ type: 'texts', urls }),
      (error: unknown) => post({ type: 'texts', urls: [], failure: String(error) }),
    );
    // The summaries are the Library's own list, already loaded: a few kB to clone.
    bankSent = loadBank().then((bank) => post({ type: 'bank', questions: bank.questions }));
  };
  return {
    prepare,
    syncOwn: () => {
      if (fallback) fallback.syncOwn();
      else if (worker) post({ type: 'sync' });
    },
    async search(request) {
      prepare();
      // The bank must be in before a search, or bank questions would be missing from it.
      await bankSent;
      if (fallback) return fallback.search(request);
      const id = ++nextId;
      return new Promise((resolve) => {
        waiting.set(id, { request, resolve });
        post({ type: 'search', id, request });
        watch(id);
      });
    },
    onChange: changes.onChange,
  };
}

/** The same index in this thread: where the platform has no workers (and in jsdom tests), or the worker failed. */
function localSearcher(db: RehearseDb): Searcher {
  let ready: Promise<SearchService> | undefined;
  let latest = 0;
  const changes = listeners();
  const sync = (service: SearchService) => void service.syncOwn().then((changed) => changed && changes.notify());
  const prepare = (): Promise<SearchService> => {
    ready ??= Promise.all([import('../core/bank/search.ts'), import('../db/library-repo.ts'), loadBank()]).then(([{ SearchService }, repo, bank]) => {
      const service = new SearchService(
        { versions: () => repo.ownQuestionVersions(db), load: (ids) => repo.readOwnQuestions(db, ids) },
        () => new Promise<void>((resolve) => setTimeout(resolve, 0)),
      );
      const full = loadAllQuestions();
      void feedBank(service, bank.questions, full, changes.notify);
      sync(service);
      return service;
    });
    // A chunk that failed to load is tried again at the next search.
    ready.catch(() => (ready = undefined));
    return ready;
  };
  return {
    prepare: () => void prepare().catch((error: unknown) => console.error('search: the index could not be built', error)),
    syncOwn: () => {
      if (ready) void ready.then(sync, () => undefined);
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
    searcher.search(request).then(
      (page) => {
        if (live && page) setAnswer({ key, page });
      },
      (error: unknown) => {
        console.error('search failed', error);
        if (live) setAnswer({ key, page: { total: 0, rows: [], failed: true } });
      },
    );
    return () => {
      live = false;
    };
  }, [searcher, key, limit, revision]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!request) return { page: NO_RESULTS, pending: false };
  return { page: answer.page, pending: answer.key !== key };
}
