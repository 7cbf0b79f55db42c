import { retrievability, type MemoryState } from '../scheduling/fsrs.ts';

export interface MasteryCard extends Pick<MemoryState, 'state' | 'stability' | 'lastReview'> {
  questionId: string;
  suspended: boolean;
  hidden: boolean;
}

export interface GroupMastery {
  key: string;
  /** Mean recall over active cards at the given time; a never-studied card counts 0. */
  mastery: number;
  /** Studied active cards over all active cards. */
  coverage: number;
  total: number;
  counts: { new: number; learning: number; review: number; suspended: number };
}

/**
 * Mastery per group (topic, technology, level…) at time `at`. Suspended and hidden
 * cards are counted but do not weigh on mastery or coverage.
 */
export function masteryBy(cards: readonly MasteryCard[], groupOf: (card: MasteryCard) => string | undefined, at: number): GroupMastery[] {
  const groups = new Map<string, { sum: number; active: number; studied: number; counts: GroupMastery['counts'] }>();
  for (const card of cards) {
    if (card.hidden) continue;
    const key = groupOf(card);
    if (key === undefined) continue;
    let g = groups.get(key);
    if (!g) {
      g = { sum: 0, active: 0, studied: 0, counts: { new: 0, learning: 0, review: 0, suspended: 0 } };
      groups.set(key, g);
    }
    if (card.suspended) {
      g.counts.suspended++;
      continue;
    }
    g.active++;
    if (card.state === 0) {
      g.counts.new++;
      continue;
    }
    g.studied++;
    g.sum += retrievability(card, at);
    if (card.state === 2) g.counts.review++;
    else g.counts.learning++;
  }
  return [...groups.entries()]
    .map(([key, g]) => ({
      key,
      mastery: g.active ? g.sum / g.active : 0,
      coverage: g.active ? g.studied / g.active : 0,
      total: g.active,
      counts: g.counts,
    }))
    .sort((a, b) => a.mastery - b.mastery || a.key.localeCompare(b.key));
}
