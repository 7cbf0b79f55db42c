import { memo, useMemo, useRef, useEffect, useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices } from '../../db/hooks/services.tsx';
import { useQuestions } from '../../db/hooks/questions.ts';
import { formatWhen } from '../../ui/format.ts';
import { LEVELS, TECHNOLOGIES, TECHNOLOGY_LABELS, type LoadedSummary } from '../../core/bank/question.ts';
import { splitOnTerms } from '../../core/bank/highlight.ts';
import { useSearch } from '../../workers/searcher.ts';
import { selectQuestions, selectionFromParams, selectionToParams, isEmptySelection, type QuestionSelection } from '../../core/bank/selection.ts';
import { retrievability } from '../../core/scheduling/fsrs.ts';
import { cardsOfQuestions } from '../../db/library-repo.ts';
import type { CardRow } from '../../db/database.ts';

export default function LibraryScreen() {
  const { db, now } = useServices();
  const { questions, byId } = useQuestions();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const searchRef = useRef<HTMLInputElement>(null);
  // Filters fold away on a phone so results stay in reach; open by default on wider screens.
  const [wideScreen, setFiltersOpen] = useState(() => typeof matchMedia === 'undefined' || matchMedia('(min-width: 641px)').matches);
  const selection = useMemo(() => selectionFromParams(params), [params]);
  // The box and the search follow each keystroke at once; the URL catches up once typing
  // pauses (writing history and re-rendering every router link per key cost more than the
  // search). A URL change from elsewhere (a link) refills the box.
  const urlQuery = params.get('q') ?? '';
  const [query, setQuery] = useState(urlQuery);
  useEffect(() => {
    if (document.activeElement !== searchRef.current) setQuery(urlQuery);
  }, [urlQuery]);
  const searchText = query.trim() ? query.slice(0, 200) : '';
  const urlWrite = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(urlWrite.current), []);

  const topics = useMemo(
    () => [...new Set(questions.filter((q) => !selection.technology || q.technology === selection.technology).map((q) => q.topic))].sort(),
    [questions, selection.technology],
  );
  const flags = useLiveQuery(() => db.flags.toArray(), [db]);
  const flagged = useMemo(() => new Set((flags ?? []).map((f) => f.questionId)), [flags]);

  // Sorted once per question list, not on every filter change.
  const browsingOrder = useMemo(() => sortedForBrowsing(questions), [questions]);
  const browsed = useMemo(
    () => (searchText ? [] : selectQuestions(browsingOrder, selection, { flagged, isOwn: (q) => q.source === 'own' })),
    [browsingOrder, selection, flagged, searchText],
  );

  // Only a page of rows is drawn (and only their cards read), so a collection of tens of
  // thousands of own questions stays as quick as the bank alone. Search results come in
  // smaller pages: they are redrawn at every keystroke. A new query or filter starts again
  // at one page (set during render, not in an effect: no extra render with the old limit).
  const pageSize = searchText ? SEARCH_PAGE_SIZE : PAGE_SIZE;
  const pagingKey = `${searchText}\n${selectionToParams(filtersOf(selection)).toString()}`;
  const [paging, setPaging] = useState({ key: pagingKey, pages: 1 });
  const pages = paging.key === pagingKey ? paging.pages : 1;
  const limit = pages * pageSize;
  // A query is ranked and filtered in the search worker, which answers with one page and the count.
  const request = useMemo(
    () => (searchText ? { query: searchText, selection: filtersOf(selection), flagged: selection.flagged ? [...flagged] : undefined, limit } : null),
    [searchText, selection, flagged, limit],
  );
  const { page, pending } = useSearch(request, questions);
  const total = searchText ? page.total : browsed.length;
  const visible: Row[] = useMemo(
    () =>
      searchText
        ? page.rows.flatMap(({ id, terms, snippet }) => {
            const question = byId.get(id);
            return question ? [{ question, terms, snippet }] : [];
          })
        : browsed.slice(0, limit).map((question) => ({ question, terms: [] })),
    [searchText, page, byId, browsed, limit],
  );
  const visibleKey = visible.map((r) => r.question.id).join('\n');
  // While typing, study states are read once the list has held still for a moment: reading
  // them for every intermediate result would compete with the next keystroke.
  const [settledKey, setSettledKey] = useState(visibleKey);
  useEffect(() => {
    const timer = setTimeout(() => setSettledKey(visibleKey), 150);
    return () => clearTimeout(timer);
  }, [visibleKey]);
  const cardsKey = searchText ? settledKey : visibleKey;
  const cards = useLiveQuery(() => {
    const ids = cardsKey ? cardsKey.split('\n') : [];
    return cardsOfQuestions(db, ids).then((rows) => ({ ids, rows }));
  }, [db, cardsKey]);
  // Each row's study state, worked out once per read of the cards rather than on every render.
  const stateOf = useMemo(() => {
    const byQuestion = new Map<string, CardRow[]>(cards?.ids.map((id) => [id, []]));
    for (const card of cards?.rows ?? []) byQuestion.get(card.questionId)?.push(card);
    const at = now();
    return new Map([...byQuestion].map(([id, list]) => [id, describeState(list, at)]));
  }, [cards, now]);

  const setParam = (key: string, value: string) => {
    clearTimeout(urlWrite.current);
    const next = new URLSearchParams(params);
    // A query typed but not yet in the URL goes with any other change.
    if (query) next.set('q', query);
    else next.delete('q');
    if (value) next.set(key, value);
    else next.delete(key);
    if (key === 'technology') next.delete('topic');
    setParams(next, { replace: true });
  };
  /** Writes the typed query to the URL now (before leaving, so Back returns to these results). */
  const flushQuery = () => {
    if (urlWrite.current === undefined) return;
    clearTimeout(urlWrite.current);
    urlWrite.current = undefined;
    if ((params.get('q') ?? '') !== query) setParam('q', query);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName)) {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const openResult = (e: React.MouseEvent) => {
    const link = (e.target as Element).closest<HTMLAnchorElement>('a.result-link');
    // Modified clicks keep their browser meaning (new tab, new window).
    if (!link || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    flushQuery();
    navigate(link.getAttribute('href')!);
  };

  const moveFocus = (e: React.KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const target = e.target as HTMLElement;
    if (target.tagName === 'SELECT') return;
    const links = [...document.querySelectorAll<HTMLAnchorElement>('.results a.result-link')];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = e.key === 'ArrowDown' ? Math.min(links.length - 1, at + 1) : at - 1;
    e.preventDefault();
    if (next < 0) searchRef.current?.focus();
    else links[next]?.focus();
  };

  const activeFilters = [selection.technology, selection.level, selection.topic, selection.minDifficulty, selection.maxDifficulty, selection.flagged, selection.own]
    .filter((v) => v !== undefined).length;
  // The typed query, not the URL's (which catches up when typing pauses).
  const studied = { ...selection, q: searchText || undefined };
  const sessionParams = selectionToParams(studied).toString();
  return (
    <section aria-labelledby="library-heading" className="stack" onKeyDown={moveFocus}>
      <div className="title-row">
        <h1 id="library-heading">Library</h1>
        <Link className="button" to="/library/new">New question</Link>
      </div>
      <div className="filters">
        <label className="search">
          <span><span id="library-search-label">Search questions</span> <kbd className="key-only" aria-hidden="true">/</kbd></span>
          <input
            ref={searchRef}
            aria-labelledby="library-search-label"
            type="search"
            value={query}
            placeholder="decorators, leakage, RAG…"
            onChange={(e) => {
              const typed = e.target.value;
              setQuery(typed);
              clearTimeout(urlWrite.current);
              urlWrite.current = setTimeout(() => {
                urlWrite.current = undefined;
                setParams((current) => {
                  const next = new URLSearchParams(current);
                  if (typed) next.set('q', typed);
                  else next.delete('q');
                  return next;
                }, { replace: true });
              }, URL_WRITE_DELAY_MS);
            }}
            onBlur={flushQuery}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && visible[0]) {
                flushQuery();
                navigate(`/library/${visible[0].question.id}`);
              }
            }}
          />
        </label>
        <details className="filter-panel" open={wideScreen} onToggle={(e) => setFiltersOpen((e.target as HTMLDetailsElement).open)}>
          <summary>Filters{activeFilters ? ` (${activeFilters} active)` : ''}</summary>
          <div className="filter-grid">
        <Select label="Technology" value={selection.technology ?? ''} onChange={(v) => setParam('technology', v)}
          options={TECHNOLOGIES.map((t) => [t, TECHNOLOGY_LABELS[t]])} />
        <Select label="Level" value={selection.level ?? ''} onChange={(v) => setParam('level', v)}
          options={LEVELS.map((l) => [l, l[0]!.toUpperCase() + l.slice(1)])} />
        <Select label="Topic" value={selection.topic ?? ''} onChange={(v) => setParam('topic', v)} options={topics.map((t) => [t, t])} />
        <Select label="Minimum difficulty" value={String(selection.minDifficulty ?? '')} onChange={(v) => setParam('min', v)}
          options={Array.from({ length: 10 }, (_, i) => [String(i + 1), String(i + 1)])} />
        <Select label="Maximum difficulty" value={String(selection.maxDifficulty ?? '')} onChange={(v) => setParam('max', v)}
          options={Array.from({ length: 10 }, (_, i) => [String(i + 1), String(i + 1)])} />
        <label className="check">
          <input type="checkbox" checked={!!selection.flagged} onChange={(e) => setParam('flagged', e.target.checked ? '1' : '')} />
          <span>Flagged only</span>
        </label>
        <label className="check">
          <input type="checkbox" checked={!!selection.own} onChange={(e) => setParam('own', e.target.checked ? '1' : '')} />
          <span>My questions only</span>
        </label>
          </div>
        </details>
      </div>
      <div className="actions">
        <p role="status" className="muted grow">
          {pending ? 'Searching…' : `${total} question${total === 1 ? '' : 's'}`}
          {searchText && !pending && page.failed && ' — search could not start. Check your connection and type again.'}
          {searchText && !pending && !page.failed && page.limited && ' (full-text search is unavailable: matching titles, topics and tags)'}
          {searchText && !pending && !page.failed && !page.limited && page.partial && ' (matching titles, topics and tags while full-text search gets ready…)'}
        </p>
        {total > 0 && (
          <Link className="button" to={`/review?${sessionParams}`}>
            {isEmptySelection(studied) ? 'Study all' : 'Study these'}
          </Link>
        )}
      </div>
      <ul className="results" onClick={openResult}>
        {visible.map(({ question, terms, snippet }) => (
          <ResultRow key={question.id} question={question} terms={terms} snippet={snippet}
            flagged={flagged.has(question.id)} state={stateOf.get(question.id)} />
        ))}
      </ul>
      {total > visible.length && !pending && (
        <button type="button" onClick={() => setPaging({ key: pagingKey, pages: pages + 1 })}>
          Show {Math.min(pageSize, total - visible.length)} more of {total - visible.length}
        </button>
      )}
      {total === 0 && !pending && <p>No question matches. Clear a filter or try other words.</p>}
    </section>
  );
}

const PAGE_SIZE = 100;
/** Search results per page: a phone shows a handful, a desktop a dozen or two; more are a click away. */
const SEARCH_PAGE_SIZE = 30;
/** How long typing must pause before the query is written to the URL. */
const URL_WRITE_DELAY_MS = 400;

/** The selection's filters alone: the query travels separately, as typed. */
function filtersOf({ q: _q, ...filters }: QuestionSelection): QuestionSelection {
  return filters;
}

/**
 * One result; unchanged rows skip re-rendering while the learner types. Its link is a
 * plain anchor (the list routes its clicks): a router Link re-renders on every URL
 * change, and the query is written to the URL at each keystroke.
 */
const ResultRow = memo(function ResultRow(props: { question: LoadedSummary; terms: string[]; snippet?: string; flagged: boolean; state?: string }) {
  const { question, terms, snippet } = props;
  return (
    <li>
      <a className="result-link" href={`/library/${question.id}`}>
        <Highlight text={question.title} terms={terms} />
      </a>
      <span className="meta">
        {question.source === 'own' && <span className="chip">Own</span>}
        {props.flagged && <span className="chip">Flagged</span>}
        <span>{TECHNOLOGY_LABELS[question.technology]}</span>
        <span>{question.topic}</span>
        <span className="capitalize">{question.level}</span>
        <span>Difficulty {question.difficulty}/10</span>
        <span>{props.state}</span>
      </span>
      {snippet && <span className="snippet muted"><Highlight text={snippet} terms={terms} /></span>}
    </li>
  );
});

interface Row {
  question: LoadedSummary;
  terms: string[];
  snippet?: string;
}
const TECH_ORDER = ['python', 'ml', 'llm'];
const LEVEL_ORDER = ['beginner', 'intermediate', 'advanced'];
/** Browsing order without a query: technology, then level, then difficulty. */
const titleOrder = new Intl.Collator(undefined, { sensitivity: 'base' });
function sortedForBrowsing<Q extends { technology: string; level: string; difficulty: number; title: string }>(questions: Q[]): Q[] {
  return [...questions].sort(
    (a, b) =>
      TECH_ORDER.indexOf(a.technology) - TECH_ORDER.indexOf(b.technology) ||
      LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level) ||
      a.difficulty - b.difficulty ||
      titleOrder.compare(a.title, b.title),
  );
}

function Select(props: { label: string; value: string; onChange: (v: string) => void; options: [string, string][] }) {
  return (
    <label>
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.label.includes('difficulty') ? 'Any' : 'All'}</option>
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>{label}</option>
        ))}
      </select>
    </label>
  );
}

/** Marks the matched terms, as text nodes: nothing here is parsed as HTML. */
function Highlight({ text, terms }: { text: string; terms: string[] }): ReactNode {
  if (!terms.length) return text;
  return splitOnTerms(text, terms).map((part, i) => (i % 2 ? <mark key={i}>{part}</mark> : part));
}

function describeState(cards: CardRow[], now: number): string {
  const active = cards.filter((c) => !c.hidden);
  if (!active.length) return 'No cards';
  if (active.every((c) => c.suspended)) return 'Suspended';
  const studied = active.filter((c) => c.state !== 0 && !c.suspended);
  if (!studied.length) return 'New';
  if (studied.some((c) => c.state === 1 || c.state === 3)) return 'Learning';
  const recall = studied.reduce((sum, c) => sum + retrievability(c, now), 0) / studied.length;
  const nextDue = Math.min(...studied.map((c) => c.due));
  return `Recall ${Math.round(recall * 100)}% · due ${formatWhen(nextDue, now)}`;
}
