import MiniSearch from 'minisearch';
import type { Question } from '../../core/bank/question.ts';

export interface SearchHit {
  id: string;
  score: number;
  terms: string[];
}

/** Full-text index over titles, answers and explanations; titles weigh most. */
export function buildSearchIndex(questions: readonly Question[]): MiniSearch<Question> {
  const index = new MiniSearch<Question>({
    fields: ['title', 'answer', 'keyPoints', 'deepExplanation', 'tags', 'topic'],
    storeFields: [],
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
  });
  index.addAll(questions as Question[]);
  return index;
}

export function search(index: MiniSearch<Question>, query: string): SearchHit[] {
  if (!query.trim()) return [];
  return index.search(query).map((r) => ({ id: String(r.id), score: r.score, terms: r.terms }));
}
