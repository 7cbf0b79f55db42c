import { useMemo, useRef, useEffect, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices } from '../../ui/app-context.tsx';
import { formatWhen } from '../../ui/format.ts';
import { LEVELS, TECHNOLOGIES, TECHNOLOGY_LABELS, type Question } from '../../core/bank/question.ts';
import { retrievability } from '../../core/scheduling/fsrs.ts';
import type { CardRow } from '../../db/database.ts';
import { buildSearchIndex, search } from './search-index.ts';

export default function LibraryScreen() {
  const { db, bank, now } = useServices();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const searchRef = useRef<HTMLInputElement>(null);
  const query = params.get('q') ?? '';
  const technology = params.get('technology') ?? '';
  const level = params.get('level') ?? '';
  const topic = params.get('topic') ?? '';

  const index = useMemo(() => buildSearchIndex(bank.questions), [bank]);
  const topics = useMemo(
    () => [...new Set(bank.questions.filter((q) => !technology || q.technology === technology).map((q) => q.topic))].sort(),
    [bank, technology],
  );
  const cards = useLiveQuery(() => db.cards.toArray(), [db]);
  const cardsByQuestion = useMemo(() => {
    const map = new Map<string, CardRow[]>();
    for (const card of cards ?? []) map.set(card.questionId, [...(map.get(card.questionId) ?? []), card]);
    return map;
  }, [cards]);

  const results = useMemo(() => {
    const hits = query.trim() ? search(index, query) : null;
    const terms = new Map(hits?.map((h) => [h.id, h.terms]) ?? []);
    const base = hits ? hits.map((h) => bank.byId.get(h.id)).filter((q): q is Question => !!q) : bank.questions;
    return base
      .filter((q) => (!technology || q.technology === technology) && (!level || q.level === level) && (!topic || q.topic === topic))
      .map((q) => ({ question: q, terms: terms.get(q.id) ?? [] }));
  }, [bank, index, query, technology, level, topic]);

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
    const links = [...document.querySelectorAll<HTMLAnchorElement>('.results a.result-link')];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = e.key === 'ArrowDown' ? Math.min(links.length - 1, at + 1) : at - 1;
    e.preventDefault();
    if (next < 0) searchRef.current?.focus();
    else links[next]?.focus();
  };

  const at = now();
  return (
    <section aria-labelledby="library-heading" className="stack" onKeyDown={moveFocus}>
      <h1 id="library-heading">Library</h1>
      <div className="filters">
        <label className="search">
          <span>Search questions</span>
          <input
            ref={searchRef}
            type="search"
            value={query}
            placeholder="e.g. decorators, leakage, RAG  (press / to focus)"
            onChange={(e) => setParam('q', e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && results[0]) navigate(`/library/${results[0].question.id}`);
            }}
          />
        </label>
        <Select label="Technology" value={technology} onChange={(v) => setParam('technology', v)}
          options={TECHNOLOGIES.map((t) => [t, TECHNOLOGY_LABELS[t]])} />
        <Select label="Level" value={level} onChange={(v) => setParam('level', v)}
          options={LEVELS.map((l) => [l, l[0]!.toUpperCase() + l.slice(1)])} />
        <Select label="Topic" value={topic} onChange={(v) => setParam('topic', v)} options={topics.map((t) => [t, t])} />
      </div>
      <p role="status" className="muted">{results.length} question{results.length === 1 ? '' : 's'}</p>
      <ul className="results">
        {results.map(({ question, terms }) => (
          <li key={question.id}>
            <Link className="result-link" to={`/library/${question.id}`}>
              <Highlight text={question.title} terms={terms} />
            </Link>
            <span className="meta">
              <span>{TECHNOLOGY_LABELS[question.technology]}</span>
              <span>{question.topic}</span>
              <span className="capitalize">{question.level}</span>
              <span>Difficulty {question.difficulty}/10</span>
              <span>{describeState(cardsByQuestion.get(question.id), at)}</span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Select(props: { label: string; value: string; onChange: (v: string) => void; options: [string, string][] }) {
  return (
    <label>
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">All</option>
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
  const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).sort((a, b) => b.length - a.length);
  const parts = text.split(new RegExp(`(${escaped.join('|')})`, 'gi'));
  return parts.map((part, i) => (i % 2 ? <mark key={i}>{part}</mark> : part));
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
