import { TECHNOLOGY_LABELS, TECHNOLOGIES, LEVELS } from '../../core/bank/question.ts';

type TopicRef = { technology: string; topic: string };

const query = (t: TopicRef) => `technology=${encodeURIComponent(t.technology)}&topic=${encodeURIComponent(t.topic)}`;

/** The Library filtered to one topic. */
export const libraryPath = (t: TopicRef) => `/library?${query(t)}`;
/** A review session over one topic's cards. */
export const drillPath = (t: TopicRef) => `/review?${query(t)}`;

export function technologyLabel(technology: string): string {
  return (TECHNOLOGY_LABELS as Record<string, string>)[technology] ?? technology;
}

export function levelLabel(level: string): string {
  return level ? level[0]!.toUpperCase() + level.slice(1) : level;
}

/** Known technologies and levels in their usual order, anything else after, by name. */
export function byKnownOrder(known: readonly string[]) {
  const rank = (key: string) => {
    const i = known.indexOf(key);
    return i < 0 ? known.length : i;
  };
  return (a: string, b: string) => rank(a) - rank(b) || a.localeCompare(b);
}
export const technologyOrder = byKnownOrder(TECHNOLOGIES);
export const levelOrder = byKnownOrder(LEVELS);
