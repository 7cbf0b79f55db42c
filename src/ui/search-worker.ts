/// <reference lib="webworker" />
import { buildSearchIndex, search } from '../core/bank/search.ts';
import type { Question } from '../core/bank/question.ts';

/** Builds and queries the full-text index off the main thread, so typing never janks. */
let index: ReturnType<typeof buildSearchIndex> | null = null;

self.onmessage = (event: MessageEvent<{ type: 'index'; questions: Question[] } | { type: 'search'; id: number; query: string }>) => {
  const message = event.data;
  if (message.type === 'index') {
    index = buildSearchIndex(message.questions);
  } else if (index) {
    (self as unknown as Worker).postMessage({ id: message.id, hits: search(index, message.query) });
  }
};
