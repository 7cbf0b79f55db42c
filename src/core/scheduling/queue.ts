import { retrievability, type MemoryState } from './fsrs.ts';

export interface QueueCard extends MemoryState {
  id: string;
  questionId: string;
}

export interface QueueInput {
  /** Learning and relearning cards due now or earlier. */
  learning: readonly QueueCard[];
  /** Review cards due before the end of the study day. */
  reviews: readonly QueueCard[];
  /** New cards in introduction order (more than needed is fine). */
  fresh: readonly QueueCard[];
  reviewsDoneToday: number;
  newDoneToday: number;
  newPerDay: number;
  reviewsPerDay: number;
  now: number;
}

/**
 * Today's queue: due learning cards first (oldest due first), then review cards with
 * the lowest recall first, so a backlog clears the cards most at risk, with new cards
 * spread evenly among them. Two cards of one question never both come in as new on one day.
 */
export function buildQueue(input: QueueInput): QueueCard[] {
  const learning = [...input.learning].sort((a, b) => a.due - b.due || a.id.localeCompare(b.id));
  const reviewRoom = Math.max(0, input.reviewsPerDay - input.reviewsDoneToday);
  const reviews = input.reviews
    .map((card) => ({ card, recall: retrievability(card, input.now) }))
    .sort((a, b) => a.recall - b.recall || a.card.due - b.card.due || a.card.id.localeCompare(b.card.id))
    .slice(0, reviewRoom)
    .map((entry) => entry.card);

  const newRoom = Math.max(0, input.newPerDay - input.newDoneToday);
  const seenQuestions = new Set([...learning, ...reviews].map((card) => card.questionId));
  const fresh: QueueCard[] = [];
  for (const card of input.fresh) {
    if (fresh.length >= newRoom) break;
    if (seenQuestions.has(card.questionId)) continue;
    seenQuestions.add(card.questionId);
    fresh.push(card);
  }
  return [...learning, ...interleave(reviews, fresh)];
}

/** Spreads `extra` evenly through `base`: one extra after every k base items. */
export function interleave<T>(base: readonly T[], extra: readonly T[]): T[] {
  if (!extra.length) return [...base];
  if (!base.length) return [...extra];
  const out: T[] = [];
  const every = base.length / extra.length;
  let b = 0;
  for (let e = 0; e < extra.length; e++) {
    const until = Math.round(every * e);
    while (b < until && b < base.length) out.push(base[b++] as T);
    out.push(extra[e] as T);
  }
  while (b < base.length) out.push(base[b++] as T);
  return out;
}

/** How the Today screen counts a queue. */
export function countQueue(queue: readonly QueueCard[]): { learning: number; review: number; fresh: number } {
  const counts = { learning: 0, review: 0, fresh: 0 };
  for (const card of queue) {
    if (card.state === 0) counts.fresh++;
    else if (card.state === 2) counts.review++;
    else counts.learning++;
  }
  return counts;
}
