import { newMemory, replay, type MemoryState } from '../scheduling/fsrs.ts';

const MEMORY_KEYS = ['due', 'stability', 'difficulty', 'state', 'reps', 'lapses', 'lastReview', 'scheduledDays', 'learningSteps'] as const;

function sameMemory(a: MemoryState, b: MemoryState): boolean {
  return MEMORY_KEYS.every((k) => Object.is(a[k], b[k]));
}

/** A card never graded: new in every field, and due no later than now (a new card waits for nothing). */
function isUntouchedNew(card: MemoryState, now: number): boolean {
  const fresh = newMemory(card.due);
  return sameMemory(card, fresh) && card.due <= now;
}

interface LogEntry {
  id: string;
  cardId: string;
  rating: number;
  reviewedAt: number;
  config: string;
  before: MemoryState;
}

/**
 * The review log is the truth; a card's stored state is only a cache of it. Every card leaves
 * here as the replay of its own log (in time order, ties by review id, as on every device), and
 * a card without a log as a new card. `corrected` names the cards whose stated state said
 * otherwise (e.g. due in 2100, stability 5000, 50 reps against one review); `unreplayable` the
 * cards whose log no scheduler can follow (they are left as they were: callers refuse them).
 * `replayed` holds each logged card's replayed state; given back as `known` (for the same
 * cards and reviews), those cards are not replayed again: a replay of a million reviews takes
 * tens of seconds, and `now` changes only the cards without a log.
 */
export function reconcileCards<Card extends MemoryState & { id: string }>(
  cards: readonly Card[],
  reviews: readonly LogEntry[],
  now: number,
  known?: ReadonlyMap<string, MemoryState>,
): { cards: Card[]; corrected: string[]; unreplayable: { id: string; reason: string }[]; replayed: Map<string, MemoryState> } {
  const logs = new Map<string, LogEntry[]>();
  for (const review of reviews) {
    const log = logs.get(review.cardId);
    if (log) log.push(review);
    else logs.set(review.cardId, [review]);
  }
  const corrected: string[] = [];
  const unreplayable: { id: string; reason: string }[] = [];
  const replayed = new Map<string, MemoryState>();
  const out = cards.map((card) => {
    const log = logs.get(card.id);
    let truth: MemoryState;
    if (!log) {
      if (isUntouchedNew(card, now)) return card;
      truth = newMemory(now);
    } else {
      const remembered = known?.get(card.id);
      if (remembered) truth = remembered;
      else {
        log.sort((a, b) => a.reviewedAt - b.reviewedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        try {
          truth = replay(card.id, log[0]!.before, log as Parameters<typeof replay>[2]);
        } catch (error) {
          // E.g. a review dated before the last one its starting state names: no schedule can follow.
          unreplayable.push({ id: card.id, reason: error instanceof Error ? error.message : String(error) });
          return card;
        }
      }
      replayed.set(card.id, truth);
      if (sameMemory(card, truth)) return card;
    }
    corrected.push(card.id);
    return { ...card, ...truth };
  });
  return { cards: out, corrected, unreplayable, replayed };
}

/** Replay order on every device: by time, ties by review id. */
export function byReplayOrder(a: Pick<LogEntry, 'reviewedAt' | 'id'>, b: Pick<LogEntry, 'reviewedAt' | 'id'>): number {
  return a.reviewedAt - b.reviewedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function sameStep(a: LogEntry, b: LogEntry): boolean {
  return a.cardId === b.cardId && a.rating === b.rating && a.reviewedAt === b.reviewedAt && a.config === b.config && sameMemory(a.before, b.before);
}

/**
 * A card's state once a merge joins its local log with the reviews only the incoming side had
 * (`added`, none of them in `local`). When the incoming side held every local review too,
 * unchanged, the joined log is the incoming log, whose replay (`incoming.state`) is already
 * known: no second replay (the usual case when a device merges another's fuller backup).
 * Otherwise the joined log is replayed. Throws as replay does on a log no scheduler can follow.
 */
export function mergedLogState(
  cardId: string,
  local: readonly LogEntry[],
  added: readonly LogEntry[],
  incoming?: { log: readonly LogEntry[]; state: MemoryState },
): MemoryState {
  if (incoming && incoming.log.length === local.length + added.length) {
    const byId = local.length ? new Map(incoming.log.map((r) => [r.id, r])) : null;
    if (!byId || local.every((r) => { const theirs = byId.get(r.id); return !!theirs && sameStep(r, theirs); })) return incoming.state;
  }
  const log = [...local, ...added].sort(byReplayOrder);
  return replay(cardId, log[0]!.before, log as Parameters<typeof replay>[2]);
}

/**
 * A card's state once reviews that all come after its last grade join its log, or null when
 * that is not certain. The stored state is the replay of the stored log (every writer keeps it
 * so), and replay is a fold, so the fold goes on from it over the new reviews alone: the same
 * state as a replay of the whole log, at a cost that does not grow with the log. Not certain
 * (null, replay the whole log) when the card has no grade since its last reset (no last
 * review time) or a new review is not strictly later than that grade (it may sort before it).
 * Throws as replay does on a log no scheduler can follow.
 */
export function appendedLogState(cardId: string, stored: MemoryState, added: readonly LogEntry[]): MemoryState | null {
  const last = stored.lastReview;
  if (last === null || !added.length || !added.every((r) => r.reviewedAt > last)) return null;
  return replay(cardId, stored, [...added].sort(byReplayOrder) as Parameters<typeof replay>[2]);
}
