/// <reference lib="webworker" />
import { SearchService, type SearchPage, type SearchRequest } from '../core/bank/search.ts';
import type { Question, QuestionSummary } from '../core/bank/question.ts';
import { openDatabase } from '../db/database.ts';
import { ownQuestionVersions, readOwnQuestions } from '../db/library-repo.ts';
import { feedBank } from './bank-feed.ts';

/**
 * Holds the full-text index off the main thread. The bank's full texts are imported here,
 * from the very part files a card would load (one copy, one precache entry), and own questions
 * are read here, straight from IndexedDB: no text crosses postMessage. The page sends the
 * bank's summaries (already in its memory), nudges syncs, and gets back one page of results
 * at a time.
 */
export type ToSearchWorker =
  | { type: 'open'; dbName: string }
  /** The URLs of the bank's parts (see src/build/bank-plugin.ts), imported at once; `failure`: the page could not name them. */
  | { type: 'texts'; urls: string[]; failure?: string }
  /** The bank's summaries: searched by title, topic and tags until the full texts are in. */
  | { type: 'bank'; questions: QuestionSummary[] }
  | { type: 'sync' }
  | { type: 'search'; id: number; request: SearchRequest };

/** `page` null: a newer search arrived before this one ran, so it was skipped. `changed`: search again. */
export type FromSearchWorker = { type: 'page'; id: number; page: SearchPage | null } | { type: 'changed' } | { type: 'started' };

let service: SearchService | null = null;
/** The bank's full texts: waiting for their URLs since 'open', then being imported. */
let fullText: Promise<readonly Question[]> | null = null;
let textsArrived: (urls: Promise<string[]>) => void = () => undefined;

async function importParts(urls: string[]): Promise<Question[]> {
  const parts = await Promise.all(urls.map((url) => import(/* @vite-ignore */ url) as Promise<{ default: Question[] }>));
  return parts.flatMap((part) => part.default);
}
/** Between chunks of the first index build: lets queued search messages run. */
const yieldToMessages = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
let latestSearch = 0;
let warmed = false;
const reply = (message: FromSearchWorker) => (self as unknown as Worker).postMessage(message);

function sync(active: SearchService) {
  active.syncOwn().then(
    (changed) => {
      if (changed) reply({ type: 'changed' });
      // A cold engine answers its first broad query ~3x slower: spend that before the learner types.
      if (!warmed) void active.search({ query: 'e', selection: {}, limit: 1 }, () => latestSearch > 0);
      warmed = true;
    },
    (error: unknown) => {
      console.error('search: own questions not indexed', error);
      // The bank is searchable in full all the same: earlier partial answers must be redone.
      reply({ type: 'changed' });
    },
  );
}

self.onmessage = (event: MessageEvent<ToSearchWorker>) => {
  const message = event.data;
  if (message.type === 'open') {
    const db = openDatabase(message.dbName);
    service = new SearchService({ versions: () => ownQuestionVersions(db), load: (ids) => readOwnQuestions(db, ids) }, yieldToMessages);
    // Fetched and parsed while own questions are read; the page never touches them for search.
    fullText = new Promise<string[]>((resolve) => (textsArrived = resolve)).then(importParts);
    fullText.catch(() => undefined);
    return;
  }
  if (message.type === 'texts') {
    textsArrived(message.failure ? Promise.reject(new Error(message.failure)) : Promise.resolve(message.urls));
    return;
  }
  if (!service) return;
  if (message.type === 'bank') void feedBank(service, message.questions, fullText ?? Promise.reject(new Error('no bank URL')), () => reply({ type: 'changed' }));
  else if (message.type === 'sync') sync(service);
  else {
    latestSearch = message.id;
    const { id, request } = message;
    // Typing queues a search per key while the index is busy; only the newest is worth running.
    service.search(request, () => id !== latestSearch).then(
      (page) => reply({ type: 'page', id, page }),
      (error: unknown) => {
        console.error('search failed', error);
        reply({ type: 'page', id, page: { total: 0, rows: [] } });
      },
    );
  }
};

// Tells the page this script runs: its watchdog then waits on a busy worker rather than replacing it.
reply({ type: 'started' });
