import { useMemo, useRef, useEffect, useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices } from '../../ui/app-context.tsx';
import { useFullQuestions, useQuestions } from '../../ui/questions.ts';
import { formatWhen } from '../../ui/format.ts';
import { LEVELS, TECHNOLOGIES, TECHNOLOGY_LABELS } from '../../core/bank/question.ts';
import { useSearch } from '../../ui/searcher.ts';
import { selectQuestions, selectionFromParams, selectionToParams, isEmptySelection } from '../../core/bank/selection.ts';
import { retrievability } from '../../core/scheduling/fsrs.ts';
import type { CardRow } from '../../db/database.ts';

export default function LibraryScreen() {
  const { db, now } = useServices();
  const { questions } = useQuestions();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const searchRef = useRef<HTMLInputElement>(null);
  // Filters fold away on a phone so results stay in reach; open by default on wider screens.
  const [wideScreen, setFiltersOpen] = useState(() => typeof matchMedia === 'undefined' || matchMedia('(min-width: 641px)').matches);
  const selection = useMemo(() => selectionFromParams(params), [params]);
  const query = params.get('q') ?? '';

  const topics = useMemo(
    () => [...new Set(questions.filter((q) => !selection.technology || q.technology === selection.technology).map((q) => q.topic))].sort(),
    [questions, selection.technology],
  );
  const flags = useLiveQuery(() => db.flags.toArray(), [db]);
  const flagged = useMemo(() => new Set((flags ?? []).map((f) => f.questionId)), [flags]);

  // Full texts (a separate chunk) are only needed once the learner searches.
  const full = useFullQuestions(!!selection.q);
  const { hits, pending } = useSearch(full?.questions, selection.q ?? '');
  // Sorted once per question list, not on every filter change.
  const browsingOrder = useMemo(() => sortedForBrowsing(questions), [questions]);
  const results = useMemo(() => {
    const terms = new Map(hits.map((h) => [h.id, h.terms]));
    return selectQuestions(selection.q ? questions : browsingOrder, selection, {
      searchRanked: hits.map((h) => h.id),
      flagged,
      isOwn: (q) => q.source === 'own',
    }).map((question) => ({ question, terms: terms.get(question.id) ?? [] }));
  }, [questions, browsingOrder, selection, hits, flagged]);

  // Only a page of rows is drawn (and only their cards read), so a collection of tens of
  // thousands of own questions stays as quick as the bank alone.
  const [limit, setLimit] = useState(PAGE_SIZE);
  useEffect(() => setLimit(PAGE_SIZE), [params]);
  const visible = useMemo(() => results.slice(0, limit), [results, limit]);
  const visibleKey = visible.map((r) => r.question.id).join('\n');
  const cards = useLiveQuery(
    () => db.cards.where('questionId').anyOf(visible.map((r) => r.question.id)).toArray(),
    [db, visibleKey],
  );
  const cardsByQuestion = useMemo(() => {
    const map = new Map<string, CardRow[]>();
    for (const card of cards ?? []) {
      const list = map.get(card.questionId);
      if (list) list.push(card);
      else map.set(card.questionId, [card]);
    }
    return map;
  }, [cards]);

  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key === 'technology') next.delete('topic');
    setParams(next, { replace: true });
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
  const at = now();
  const sessionParams = selectionToParams(selection).toString();
  return (
    <section aria-labelledby="library-heading" className="stack" onKeyDown={moveFocus}>
      <div className="title-row">
        <h1 id="library-heading">Library</h1>
        <Link className="button" to="/library/new">New question</Link>
      </div>
      <div className="filters">
        <label className="search">
          <span>Search questions</span>
          <input
            ref={searchRef}
            type="search"
            value={query}
            placeholder="decorators, leakage, RAG…  (press / to focus)"
            onChange={(e) => setParam('q', e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && results[0]) navigate(`/library/${results[0].question.id}`);
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
          {pending ? 'Searching…' : `${results.length} question${results.length === 1 ? '' : 's'}`}
        </p>
        {results.length > 0 && (
          <Link className="button" to={`/review?${sessionParams}`}>
            {isEmptySelection(selection) ? 'Study all' : 'Study these'}
          </Link>
        )}
      </div>
      <ul className="results">
        {visible.map(({ question, terms }) => (
          <li key={question.id}>
            <Link className="result-link" to={`/library/${question.id}`}>
              <Highlight text={question.title} terms={terms} />
            </Link>
            <span className="meta">
              {question.source === 'own' && <span className="chip">Own</span>}
              {flagged.has(question.id) && <span className="chip">Flagged</span>}
              <span>{TECHNOLOGY_LABELS[question.technology]}</span>
              <span>{question.topic}</span>
              <span className="capitalize">{question.level}</span>
              <span>Difficulty {question.difficulty}/10</span>
              <span>{describeState(cardsByQuestion.get(question.id), at)}</span>
            </span>
            {terms.length > 0 && full?.byId.get(question.id) && <Snippet text={full.byId.get(question.id)!.answer} terms={terms} />}
          </li>
        ))}
      </ul>
      {results.length > visible.length && (
        <button type="button" onClick={() => setLimit(limit + PAGE_SIZE)}>
          Show {Math.min(PAGE_SIZE, results.length - visible.length)} more of {results.length - visible.length}
        </button>
      )}
      {results.length === 0 && !pending && <p>No question matches. Clear a filter or try other words.</p>}
    </section>
  );
}

const PAGE_SIZE = 100;
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

function termPattern(terms: string[]): RegExp {
  const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).sort((a, b) => b.length - a.length);
  return new RegExp(`(${escaped.join('|')})`, 'gi');
}

/** Marks the matched terms, as text nodes: nothing here is parsed as HTML. */
function Highlight({ text, terms }: { text: string; terms: string[] }): ReactNode {
  if (!terms.length) return text;
  const parts = text.split(termPattern(terms));
  return parts.map((part, i) => (i % 2 ? <mark key={i}>{part}</mark> : part));
}

/** A short excerpt of the answer around the first match. */
function Snippet({ text, terms }: { text: string; terms: string[] }) {
  const plain = text.replace(/[`*_#>]/g, '');
  const match = termPattern(terms).exec(plain);
  if (!match) return null;
  const start = Math.max(0, match.index - 60);
  const excerpt = (start > 0 ? '…' : '') + plain.slice(start, match.index + 100) + (match.index + 100 < plain.length ? '…' : '');
  return <span className="snippet muted"><Highlight text={excerpt} terms={terms} /></span>;
}

function describeState(cards: CardRow[] | undefined, now: number): string {
  const active = (cards ?? []).filter((c) => !c.hidden);
  if (!active.length) return 'No cards';
  if (active.every((c) => c.suspended)) return 'Suspended';
  const studied = active.filter((c) => c.state !== 0 && !c.suspended);
  if (!studied.length) return 'New';
  if (studied.some((c) => c.state === 1 || c.state === 3)) return 'Learning';
  const recall = studied.reduce((sum, c) => sum + retrievability(c, now), 0) / studied.length;
  const nextDue = Math.min(...studied.map((c) => c.due));
  return `Recall ${Math.round(recall * 100)}% · due ${formatWhen(nextDue, now)}`;
}
