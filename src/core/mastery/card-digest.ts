import type { MemoryPhase } from '../scheduling/fsrs.ts';
import type { MasteryCard } from './mastery.ts';
import type { SchedulableCard } from './readiness.ts';

/**
 * A compact, columnar copy of what Progress and the Today line need from every card.
 *
 * Reading 100,000 card objects from IndexedDB costs seconds (each row is a structured
 * clone of a dozen fields); a chunk of typed arrays clones almost at memcpy speed. Each
 * card owns a permanent slot; slot `s` lives in chunk `floor(s / DIGEST_CHUNK_SIZE)`.
 */
export const DIGEST_CHUNK_SIZE = 1024;

export const DIGEST_FLAG = { used: 1, suspended: 2, hidden: 4 } as const;

export interface CardDigestChunk {
  chunk: number;
  /** Card id per slot; '' for a free slot. */
  ids: string[];
  flags: Uint8Array;
  state: Uint8Array;
  stability: Float64Array;
  /** NaN for a card never reviewed. */
  lastReview: Float64Array;
  due: Float64Array;
}

/** The fields of a card row the digest keeps. */
export interface DigestSource {
  id: string;
  state: MemoryPhase;
  stability: number;
  lastReview: number | null;
  due: number;
  suspended: boolean;
  hidden: boolean;
}

export function emptyDigestChunk(chunk: number): CardDigestChunk {
  return {
    chunk,
    ids: Array.from({ length: DIGEST_CHUNK_SIZE }, () => ''),
    flags: new Uint8Array(DIGEST_CHUNK_SIZE),
    state: new Uint8Array(DIGEST_CHUNK_SIZE),
    stability: new Float64Array(DIGEST_CHUNK_SIZE),
    lastReview: new Float64Array(DIGEST_CHUNK_SIZE).fill(NaN),
    due: new Float64Array(DIGEST_CHUNK_SIZE),
  };
}

export function chunkOfSlot(slot: number): number {
  return Math.floor(slot / DIGEST_CHUNK_SIZE);
}

/** Writes a card into its slot, or frees the slot when `card` is null. */
export function writeDigestEntry(chunk: CardDigestChunk, slot: number, card: DigestSource | null): void {
  const i = slot - chunk.chunk * DIGEST_CHUNK_SIZE;
  if (i < 0 || i >= DIGEST_CHUNK_SIZE) throw new RangeError(`Slot ${slot} is not in chunk ${chunk.chunk}`);
  if (!card) {
    chunk.ids[i] = '';
    chunk.flags[i] = 0;
    chunk.state[i] = 0;
    chunk.stability[i] = 0;
    chunk.lastReview[i] = NaN;
    chunk.due[i] = 0;
    return;
  }
  chunk.ids[i] = card.id;
  chunk.flags[i] = DIGEST_FLAG.used | (card.suspended ? DIGEST_FLAG.suspended : 0) | (card.hidden ? DIGEST_FLAG.hidden : 0);
  chunk.state[i] = card.state;
  chunk.stability[i] = card.stability;
  chunk.lastReview[i] = card.lastReview ?? NaN;
  chunk.due[i] = card.due;
}

/** One card as the mastery, readiness and forecast arithmetic sees it. */
export interface DigestCard extends MasteryCard, SchedulableCard {
  id: string;
}

/** The question a card id belongs to: ids are `<questionId>#<kind>`. */
function questionIdOf(cardId: string): string {
  const hash = cardId.lastIndexOf('#');
  return hash < 0 ? cardId : cardId.slice(0, hash);
}

/**
 * Every used slot as a DigestCard. The iterator hands out one reused object (100,000
 * short-lived objects would cost more than the arithmetic): read it, do not keep it.
 */
export function digestCards(chunks: readonly CardDigestChunk[]): Iterable<DigestCard> {
  return {
    [Symbol.iterator](): Iterator<DigestCard> {
      const card: DigestCard = { id: '', questionId: '', state: 0, stability: 0, lastReview: null, due: 0, suspended: false, hidden: false };
      let c = 0;
      let i = -1;
      return {
        next(): IteratorResult<DigestCard> {
          for (;;) {
            const chunk = chunks[c];
            if (!chunk) return { done: true, value: undefined };
            i++;
            if (i >= chunk.ids.length) {
              c++;
              i = -1;
              continue;
            }
            const flags = chunk.flags[i]!;
            if (!(flags & DIGEST_FLAG.used)) continue;
            card.id = chunk.ids[i]!;
            card.questionId = questionIdOf(card.id);
            card.suspended = (flags & DIGEST_FLAG.suspended) !== 0;
            card.hidden = (flags & DIGEST_FLAG.hidden) !== 0;
            card.state = chunk.state[i]! as MemoryPhase;
            card.stability = chunk.stability[i]!;
            const last = chunk.lastReview[i]!;
            card.lastReview = Number.isNaN(last) ? null : last;
            card.due = chunk.due[i]!;
            return { done: false, value: card };
          }
        },
      };
    },
  };
}

/** Number of cards the chunks hold. */
export function digestSize(chunks: readonly CardDigestChunk[]): number {
  let n = 0;
  for (const chunk of chunks) for (const flags of chunk.flags) if (flags & DIGEST_FLAG.used) n++;
  return n;
}
