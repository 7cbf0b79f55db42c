import type { QuestionSummary } from './question.ts';

/**
 * The learner's own questions as one row of parallel arrays: what lists, filters,
 * sessions and Progress need, without the long texts. Tens of thousands of full question
 * rows take seconds to read from IndexedDB; arrays of short strings clone quickly.
 */
export interface OwnSummaryTable {
  key: 'own';
  ids: string[];
  titles: string[];
  technologies: string[];
  topics: string[];
  levels: string[];
  difficulties: number[];
  /** Each question's tags joined with TAG_SEPARATOR. */
  tags: string[];
}

/** Beside the summaries: a counter bumped with every change, cheap to read, so readers can cache. */
export interface OwnSummaryVersion {
  key: 'version';
  version: number;
}

const TAG_SEPARATOR = '\u001f';

export function emptyOwnSummaries(): OwnSummaryTable {
  return { key: 'own', ids: [], titles: [], technologies: [], topics: [], levels: [], difficulties: [], tags: [] };
}

/** Adds or replaces the given questions' summaries (in place). */
export function upsertOwnSummaries(table: OwnSummaryTable, questions: readonly QuestionSummary[]): void {
  const at = new Map(table.ids.map((id, i) => [id, i]));
  for (const q of questions) {
    let i = at.get(q.id);
    if (i === undefined) {
      i = table.ids.length;
      at.set(q.id, i);
      table.ids.push(q.id);
    }
    table.titles[i] = q.title;
    table.technologies[i] = q.technology;
    table.topics[i] = q.topic;
    table.levels[i] = q.level;
    table.difficulties[i] = q.difficulty;
    table.tags[i] = q.tags.join(TAG_SEPARATOR);
  }
}

/** Removes the given questions' summaries (in place). */
export function removeOwnSummaries(table: OwnSummaryTable, ids: readonly string[]): void {
  const gone = new Set(ids);
  const keep = table.ids.map((id) => !gone.has(id));
  for (const column of ['ids', 'titles', 'technologies', 'topics', 'levels', 'difficulties', 'tags'] as const) {
    (table[column] as unknown[]) = (table[column] as unknown[]).filter((_, i) => keep[i]);
  }
}

export function ownSummaryList(table: OwnSummaryTable | undefined): QuestionSummary[] {
  if (!table) return [];
  return table.ids.map((id, i) => ({
    id,
    title: table.titles[i]!,
    technology: table.technologies[i]! as QuestionSummary['technology'],
    topic: table.topics[i]!,
    level: table.levels[i]! as QuestionSummary['level'],
    difficulty: table.difficulties[i]!,
    tags: table.tags[i] ? table.tags[i]!.split(TAG_SEPARATOR) : [],
  }));
}
