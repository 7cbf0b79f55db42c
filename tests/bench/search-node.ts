import { performance } from 'node:perf_hooks';
import { buildSearchIndex, search } from '../../src/core/bank/search.ts';
import { generatedQuestion } from './generate.ts';
import { median } from './report.ts';

export interface NodeSearchFigures {
  questions: number;
  buildMs: number;
  /** Median over every keystroke of the typed queries. */
  perKeystrokeMs: number;
  /** The slowest keystroke (usually the first letter: a prefix matching most terms). */
  worstKeystrokeMs: number;
  /** A lower bound for "find the questions containing these words": a lowercase substring scan. */
  scanFloorMs: number;
  keystrokes: number;
  /** Total questions the scan matched (kept so the scan is real work). */
  scanMatches: number;
}

/** MiniSearch alone (src/core/bank/search.ts), in node, on generated questions: no worker, no React. */
export function measureSearchInNode(count: number, queries: readonly string[], now: number): NodeSearchFigures {
  const questions = Array.from({ length: count }, (_, n) => generatedQuestion(n, now));
  const t0 = performance.now();
  const index = buildSearchIndex(questions);
  const buildMs = performance.now() - t0;
  const haystacks = questions.map((q) => `${q.title} ${q.answer} ${q.keyPoints.join(' ')} ${q.deepExplanation} ${q.tags.join(' ')} ${q.topic}`.toLowerCase());

  const times: number[] = [];
  const scans: number[] = [];
  let matched = 0;
  // One warm-up pass so the JIT has seen the code, as it has in a page after the first search.
  for (const query of queries) search(index, query);
  for (const query of queries) {
    for (let i = 1; i <= query.length; i++) {
      const typed = query.slice(0, i);
      if (!typed.trim()) continue;
      const s = performance.now();
      search(index, typed);
      times.push(performance.now() - s);
      const words = typed.toLowerCase().split(/\s+/).filter(Boolean);
      const f = performance.now();
      let hits = 0;
      for (const text of haystacks) if (words.every((w) => text.includes(w))) hits++;
      scans.push(performance.now() - f);
      matched += hits;
    }
  }
  return {
    questions: count,
    buildMs,
    perKeystrokeMs: median(times),
    worstKeystrokeMs: Math.max(...times),
    scanFloorMs: median(scans),
    keystrokes: times.length,
    scanMatches: matched,
  };
}
