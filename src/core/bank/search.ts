import MiniSearch, { type Options } from 'minisearch';
import type { Question, QuestionSummary } from './question.ts';
import { answerSnippet } from './highlight.ts';
import { matchesSelection, type QuestionSelection } from './selection.ts';

export interface SearchHit {
  id: string;
  score: number;
  terms: string[];
}

type Indexable = Pick<Question, 'id' | 'title' | 'topic' | 'tags' | 'answer' | 'deepExplanation'> & { keyPoints: string | string[] };

function indexOptions<T extends Indexable>(): Options<T> {
  return {
    fields: ['title', 'answer', 'keyPoints', 'deepExplanation', 'tags', 'topic'],
    storeFields: [],
    // Vacuuming runs in timed batches that walk the term tree; an upsert landing between two
    // batches (the bank's texts replacing its summaries, say) made its walk throw. Discarded
    // terms are skipped at search time, and the few an edit or the texts' arrival leave are
    // cheaper to keep than to clean.
    autoVacuum: false,
    extractField: (doc, field) => {
      const value = (doc as unknown as Record<string, unknown>)[field];
      return Array.isArray(value) ? value.join(' ') : String(value ?? '');
    },
    searchOptions: {
      boost: { title: 4, tags: 3, topic: 2, keyPoints: 1.5, answer: 1.2 },
      prefix: true,
      fuzzy: (term) => (term.length > 4 ? 0.2 : false),
      combineWith: 'AND',
    },
  };
}

/** Full-text index over titles, answers and explanations; titles weigh most. */
export function buildSearchIndex(questions: readonly Question[]): MiniSearch<Question> {
  const index = new MiniSearch<Question>(indexOptions<Question>());
  index.addAll(questions as Question[]);
  return index;
}

export function search<T extends Indexable>(index: MiniSearch<T>, query: string): SearchHit[] {
  if (!query.trim()) return [];
  return index.search(query).map((r) => ({ id: String(r.id), score: r.score, terms: r.terms }));
}

/**
 * What the search index keeps of a question: the searched texts (capped, so a pasted
 * essay cannot bloat the index or the message carrying it) and the fields filters read.
 * The caps sit well above the longest bank texts.
 */
export interface SearchDoc extends QuestionSummary {
  source: 'bank' | 'own';
  answer: string;
  keyPoints: string;
  deepExplanation: string;
}

const CAP = { answer: 4_000, keyPoints: 4_000, deepExplanation: 12_000 } as const;

/** A bank entry whose texts could not be loaded is indexed by its title, topic and tags alone. */
export function toSearchDoc(q: Question | QuestionSummary, source: SearchDoc['source']): SearchDoc {
  if (!('answer' in q)) return { ...q, source, answer: '', keyPoints: '', deepExplanation: '' };
  return {
    id: q.id,
    title: q.title,
    technology: q.technology,
    topic: q.topic,
    level: q.level,
    difficulty: q.difficulty,
    tags: q.tags,
    source,
    answer: q.answer.slice(0, CAP.answer),
    keyPoints: q.keyPoints.join(' ').slice(0, CAP.keyPoints),
    deepExplanation: q.deepExplanation.slice(0, CAP.deepExplanation),
  };
}

export interface SearchRequest {
  query: string;
  /** Filters applied to the ranked hits (its `q` is ignored: `query` is searched). */
  selection: QuestionSelection;
  /** Flagged question ids; only sent when the selection asks for flagged questions. */
  flagged?: readonly string[];
  /** Rows wanted: the screen's visible page. */
  limit: number;
}

export interface SearchRow {
  id: string;
  /** Matched words, for highlighting the title. */
  terms: string[];
  /** An answer excerpt around the first match, when the answer matched. */
  snippet?: string;
}

/** One page of ranked results and how many match in all. */
export interface SearchPage {
  total: number;
  rows: SearchRow[];
  /** The full-text index is still being built: these are title, topic and tag matches only. */
  partial?: boolean;
  /** The bank's full texts could not be loaded: bank questions match by title, topic and tags only. */
  limited?: boolean;
  /** No index could be built (a part of the app failed to load): nothing was searched. */
  failed?: boolean;
}

/** An index that grows and changes one question at a time, answering a page at a time. */
export class QuestionIndex {
  private readonly index = new MiniSearch<SearchDoc>(indexOptions<SearchDoc>());
  private readonly docs = new Map<string, SearchDoc>();
  /** The last query's ranked hits, so paging and filter changes do not search again. */
  private last: { query: string; hits: SearchHit[] } | null = null;

  get size(): number {
    return this.docs.size;
  }

  /** Documents known but not yet in the full-text index (null once it holds them all). */
  private unindexed: SearchDoc[] | null = null;

  /** True while a gradual upsert is still adding documents. */
  get building(): boolean {
    return this.unindexed !== null;
  }

  upsert(docs: readonly SearchDoc[]): void {
    this.index.addAll(this.register(docs));
    this.last = null;
  }

  /**
   * Like upsert, a chunk at a time with `pause()` between chunks, so searches can be
   * answered (by scanSearch) while tens of thousands of questions are indexed.
   */
  async upsertGradually(docs: readonly SearchDoc[], pause: () => Promise<void>, chunk = 250): Promise<void> {
    const fresh = this.register(docs);
    this.unindexed = fresh;
    try {
      for (let start = 0; start < fresh.length; start += chunk) {
        this.index.addAll(fresh.slice(start, start + chunk));
        await pause();
      }
    } finally {
      this.unindexed = null;
      this.last = null;
    }
  }

  /** Records documents; replaces indexed ones in place and returns those still to add. */
  private register(docs: readonly SearchDoc[]): SearchDoc[] {
    const fresh: SearchDoc[] = [];
    for (const doc of docs) {
      if (this.docs.has(doc.id)) this.index.replace(doc);
      else fresh.push(doc);
      this.docs.set(doc.id, doc);
    }
    return fresh;
  }

  /**
   * Matches every word of the query against titles, topics and tags (titles first) by word
   * prefix and simple plural, like the full-text search: a quick answer while the full-text
   * index is being built, marked partial. `pending`: documents about to be upserted (they
   * count already, in place of their older versions).
   */
  scanSearch(request: SearchRequest, pending: readonly SearchDoc[] = []): SearchPage {
    const words = quickWords(request.query);
    if (!words.length) return { total: 0, rows: [], partial: true };
    const flagged = request.selection.flagged ? new Set(request.flagged) : undefined;
    const context = { flagged, isOwn: (d: SearchDoc) => d.source === 'own' };
    const inTitle: SearchRow[] = [];
    const elsewhere: SearchRow[] = [];
    const newer = new Set(pending.map((d) => d.id));
    const known = [...this.docs.values()].filter((d) => !newer.has(d.id));
    for (const doc of pending.length ? [...pending, ...known] : this.docs.values()) {
      const title = quickWords(doc.title);
      const rest = quickWords(`${doc.topic} ${doc.tags.join(' ')}`);
      if (!words.every((w) => quickMatches(w, title) || quickMatches(w, rest))) continue;
      if (!matchesSelection(doc, request.selection, context)) continue;
      // Highlight the title's words as they are written ("decorators" for "decorator").
      const terms = title.filter((t) => words.some((w) => quickMatches(w, [t])));
      (words.every((w) => quickMatches(w, title)) ? inTitle : elsewhere).push({ id: doc.id, terms: terms.length ? terms : words });
    }
    const all = [...inTitle, ...elsewhere];
    return { total: all.length, rows: all.slice(0, request.limit), partial: true };
  }

  remove(ids: Iterable<string>): void {
    for (const id of ids) {
      if (!this.docs.delete(id)) continue;
      // discard (not remove) needs no copy of the old text.
      this.index.discard(id);
    }
    this.last = null;
  }

  ids(source: SearchDoc['source']): string[] {
    return [...this.docs.values()].filter((d) => d.source === source).map((d) => d.id);
  }

  search(request: SearchRequest): SearchPage {
    if (!request.query.trim()) return { total: 0, rows: [] };
    if (this.building) return this.scanSearch(request);
    if (this.last?.query !== request.query) this.last = { query: request.query, hits: search(this.index, request.query) };
    const flagged = request.selection.flagged ? new Set(request.flagged) : undefined;
    const context = { flagged, isOwn: (d: SearchDoc) => d.source === 'own' };
    const rows: SearchRow[] = [];
    let total = 0;
    for (const hit of this.last.hits) {
      const doc = this.docs.get(hit.id);
      if (!doc || !matchesSelection(doc, request.selection, context)) continue;
      total++;
      // Snippets only for the rows shown: the rest are counted, never formatted.
      if (rows.length < request.limit) {
        const snippet = answerSnippet(doc.answer, hit.terms);
        rows.push(snippet ? { id: hit.id, terms: hit.terms, snippet } : { id: hit.id, terms: hit.terms });
      }
    }
    return { total, rows };
  }
}

/** Lower-case words, split where MiniSearch splits them (spaces and punctuation). */
export function quickWords(text: string): string[] {
  return text.toLowerCase().split(/[\s\p{P}]+/u).filter(Boolean);
}

/** "queries" → "query", "classes" → "class", "decorators" → "decorator"; short words stay. */
function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(?:s|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** True when a query word starts one of `words`, either of them taken in the singular. */
export function quickMatches(queryWord: string, words: readonly string[]): boolean {
  const one = singular(queryWord);
  return words.some((w) => w.startsWith(queryWord) || w.startsWith(one) || singular(w) === one);
}

/** Which own questions to (re)load and which to drop, from id → updatedAt before and now. */
export function planOwnSync(
  known: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
): { load: string[]; remove: string[] } {
  const load: string[] = [];
  for (const [id, version] of current) if (known.get(id) !== version) load.push(id);
  const remove: string[] = [];
  for (const id of known.keys()) if (!current.has(id)) remove.push(id);
  return { load, remove };
}

/** Whether the bank is indexed with its full texts (see SearchService.setBank). */
export type BankTexts = 'full' | 'loading' | 'missing';

/** Where the learner's own questions come from (IndexedDB in the app). */
export interface OwnQuestionSource {
  /** id → updatedAt of every own question. */
  versions(): Promise<ReadonlyMap<string, number>>;
  /** The questions with these ids (missing ones left out), or all of them. */
  load(ids?: readonly string[]): Promise<readonly (Question & { updatedAt: number })[]>;
}

/**
 * The index plus its upkeep: bank texts set once, own questions synced by difference.
 * Index changes and searches run one after another. The first load of own questions
 * holds searches back (an answer without them would be wrong); later syncs read in the
 * background and only their index update is queued, so typing never waits for a read.
 */
export class SearchService {
  readonly index = new QuestionIndex();
  private known = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private syncing: Promise<boolean> | null = null;
  private loadedOnce = false;

  /** False until own questions have been loaded and indexed once. */
  private complete = false;
  /** A quick (partial) answer went out before completion: the full index must be announced. */
  private answeredPartially = false;
  /**
   * Whether bank questions are indexed with their texts: while `loading`, queries get quick
   * partial answers; once `missing` (the texts could not be had), pages are marked limited.
   */
  private bankTexts: BankTexts = 'full';
  /** Bank documents given to setBank but not yet in the index (its step waits in the queue). */
  private pendingBank: readonly SearchDoc[] = [];

  /**
   * `pause` lets other work in (e.g. a setTimeout) between chunks of the first, large
   * index build; searches meanwhile get quick partial answers instead of waiting.
   */
  constructor(
    private readonly own: OwnQuestionSource,
    private readonly pause: () => Promise<void> = () => Promise.resolve(),
  ) {}

  private enqueue<T>(step: () => T | Promise<T>): Promise<T> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * The bank's questions; summaries alone (no texts) say whether the texts are still `loading`
   * or `missing`. A later call replaces them. The state holds from this call on: searches made
   * after it are answered after this update (or, while loading, quickly from what is known).
   */
  setBank(questions: readonly (Question | QuestionSummary)[], texts: BankTexts = 'full'): Promise<void> {
    this.bankTexts = texts;
    const docs = questions.map((q) => toSearchDoc(q, 'bank'));
    // Quick answers see these at once, even while an earlier step (own questions) holds the queue.
    this.pendingBank = docs;
    return this.enqueue(() => {
      const ids = new Set(docs.map((d) => d.id));
      this.index.remove(this.index.ids('bank').filter((id) => !ids.has(id)));
      this.index.upsert(docs);
      if (this.pendingBank === docs) this.pendingBank = [];
    });
  }

  /** Brings own questions up to date; true when the index changed (earlier answers may be stale). */
  syncOwn(): Promise<boolean> {
    if (!this.loadedOnce) {
      this.loadedOnce = true;
      // Everything at once: one bulk read is far quicker than comparing versions first.
      // Partial answers given meanwhile are stale once it is done, changed index or not.
      const first = this.enqueue(async () => {
        try {
          return await this.apply(await this.own.load(), null, true);
        } finally {
          this.complete = true; // even on a failed read: the bank stays searchable in full
        }
      }).then((changed) => changed || this.answeredPartially);
      return (this.syncing = first);
    }
    // One sync at a time, each starting from what the previous one applied.
    const previous = this.syncing ?? Promise.resolve(false);
    const next = previous.catch(() => false).then(async () => {
      const current = await this.own.versions();
      const { load, remove } = planOwnSync(this.known, current);
      if (!load.length && !remove.length) return false;
      const rows = load.length ? await this.own.load(load.length > current.size / 2 ? undefined : load) : [];
      return this.enqueue(() => this.apply(rows, new Set([...load, ...remove])));
    });
    this.syncing = next;
    return next;
  }

  /** Indexes rows whose version is new; `touched` (null: everything) names ids that may be gone. */
  private async apply(rows: readonly (Question & { updatedAt: number })[], touched: ReadonlySet<string> | null, gradual = false): Promise<boolean> {
    const present = new Set<string>();
    const docs: SearchDoc[] = [];
    for (const row of rows) {
      present.add(row.id);
      if (this.known.get(row.id) === row.updatedAt) continue;
      docs.push(toSearchDoc(row, 'own'));
      this.known.set(row.id, row.updatedAt);
    }
    // Deleted since, or between reading the versions and the rows.
    const gone = [...(touched ?? this.known.keys())].filter((id) => !present.has(id) && this.known.has(id));
    for (const id of gone) this.known.delete(id);
    this.index.remove(gone);
    if (gradual) await this.index.upsertGradually(docs, this.pause);
    else this.index.upsert(docs);
    return docs.length > 0 || gone.length > 0;
  }

  /** The bank's texts will not come (for now): search its summaries in full, pages marked limited. */
  giveUpBankTexts(): Promise<void> {
    if (this.bankTexts !== 'loading') return Promise.resolve();
    this.bankTexts = 'missing';
    return this.enqueue(() => undefined);
  }

  /** A page of results, or null when `superseded()` says a newer search made this one moot by its turn. */
  search(request: SearchRequest, superseded: () => boolean = () => false): Promise<SearchPage | null> {
    const limited = (page: SearchPage) => (this.bankTexts === 'missing' ? { ...page, limited: true } : page);
    // Before own questions and the bank's texts are indexed, answer at once from what is known
    // (partial), rather than queue behind the build; a 'changed' notice follows when it completes.
    if ((!this.complete || this.bankTexts === 'loading') && request.query.trim()) {
      this.answeredPartially = true;
      return Promise.resolve(limited(this.index.scanSearch(request, this.pendingBank)));
    }
    return this.enqueue(() => (superseded() ? null : limited(this.index.search(request))));
  }
}
