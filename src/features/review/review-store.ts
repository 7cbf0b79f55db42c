import { runWrite } from '../../ui/write-failures.tsx';
import { create } from 'zustand';
import type { RehearseDb, CardRow } from '../../db/database.ts';
import { gradeCard, loadTodayQueue, undoReview, type QueueOptions } from '../../db/cards-repo.ts';
import { studyDay } from '../../core/scheduling/day.ts';
import { buryCard, setCardSuspended } from '../../db/card-actions.ts';
import { setAsideCard } from '../../core/scheduling/set-aside.ts';
import type { Settings } from '../../core/settings.ts';
import type { Rating } from '../../core/scheduling/fsrs.ts';
import type { QueueCard } from '../../core/scheduling/queue.ts';
import {
  applyGrade,
  currentCardId,
  startSession,
  undoLast,
  type ReviewSession,
} from '../../core/scheduling/session.ts';

export type ReviewStatus = 'idle' | 'loading' | 'active' | 'finished' | 'empty' | 'failed';

/** "Study more" after a session: this many new cards beyond today's limit, or, with none left, this many cards ahead. */
export const STUDY_MORE_NEW = 10;
export const STUDY_MORE_AHEAD = 50;

export interface StartOptions extends QueueOptions {
  /** "Study more": new cards beyond today's limit, or practice ahead when no new card is left. */
  studyMore?: boolean;
}

interface Context {
  db: RehearseDb;
  now: () => number;
  settings: Settings;
}

interface ReviewState {
  status: ReviewStatus;
  session: ReviewSession | null;
  cards: Map<string, QueueCard | CardRow>;
  currentId: string | null;
  dayEnd: number;
  revealed: boolean;
  shownAt: number;
  /**
   * When the grade buttons' intervals were computed (the reveal, or the start of a new
   * study day while the answer stayed open). The grade is scheduled at this same instant,
   * so the interval a button shows is the interval the grade sets.
   */
  previewAt: number;
  /** The session reviews cards ahead of schedule (practice ahead, or "Study more" with no new cards left). */
  ahead: boolean;
  /** The clock of the running session (the reveal reads it). */
  clock: () => number;
  ticked: ReadonlySet<number>;
  typedAnswer: string;
  busy: boolean;
  message: string | null;
  /** A quiet confirmation of the last bury or suspend (not an error). */
  notice: string | null;
  start(ctx: Context, options?: StartOptions): Promise<void>;
  reveal(): void;
  toggleTick(index: number): void;
  setTypedAnswer(text: string): void;
  grade(ctx: Context, rating: Rating): Promise<void>;
  undo(ctx: Context): Promise<void>;
  /** Buries the card on screen until the next study day, or suspends it; the session moves on. */
  setAside(ctx: Context, how: 'bury' | 'suspend'): Promise<void>;
  /** Re-checks for learning cards that became due while the learner waited. */
  refresh(ctx: Context): void;
  /** Recomputes the buttons' intervals at `now` (a new study day began with the answer open). */
  repreview(now: number): void;
  reset(): void;
}

const initial = {
  status: 'idle' as ReviewStatus,
  session: null,
  cards: new Map<string, QueueCard | CardRow>(),
  currentId: null,
  dayEnd: 0,
  revealed: false,
  shownAt: 0,
  previewAt: 0,
  ahead: false,
  clock: () => Date.now(),
  ticked: new Set<number>(),
  typedAnswer: '',
  busy: false,
  message: null,
  notice: null,
};

const learnAheadMs = (ctx: Context) => ctx.settings.learnAheadMinutes * 60_000;

/** The state after the current card left the session (graded or set aside): the next card, question side up. */
function moveOn(ctx: Context, session: ReviewSession, now: number): Partial<ReviewState> {
  const currentId = currentCardId(session, now, learnAheadMs(ctx));
  return { session, currentId, status: currentId ? 'active' : 'finished', revealed: false, ticked: new Set(), typedAnswer: '', shownAt: now, busy: false };
}

export const useReviewStore = create<ReviewState>()((set, get) => ({
  ...initial,

  async start(ctx, options = {}) {
    set({ ...initial, status: 'loading', clock: ctx.now });
    try {
      const now = ctx.now();
      const { studyMore, ...queueOptions } = options;
      let ahead = !!options.aheadLimit;
      let queue = await loadTodayQueue(ctx.db, ctx.settings, now, studyMore ? { ...queueOptions, moreNew: STUDY_MORE_NEW } : queueOptions);
      if (studyMore && !queue.cards.length) {
        ahead = true;
        queue = await loadTodayQueue(ctx.db, ctx.settings, now, { ...queueOptions, aheadLimit: STUDY_MORE_AHEAD });
      }
      const session = startSession(queue.cards.map((c) => c.id), now, queue.later);
      const currentId = currentCardId(session, now, learnAheadMs(ctx));
      set({
        // With only learning cards due later today, the session waits for them (see refresh).
        status: currentId ? 'active' : session.waiting.length ? 'finished' : 'empty',
        session,
        cards: new Map([...queue.cards, ...queue.later].map((c) => [c.id, c])),
        currentId,
        dayEnd: queue.dayEnd,
        shownAt: now,
        ahead,
        message: queue.skipped.length
          ? `${queue.skipped.length} damaged card record${queue.skipped.length === 1 ? ' was' : 's were'} skipped (${queue.skipped.slice(0, 3).join(', ')}).`
          : null,
      });
    } catch (error) {
      set({ status: 'failed', message: `Could not load today's cards: ${(error as Error).message}` });
    }
  },

  reveal() {
    const { status, revealed, clock } = get();
    if (status === 'active' && !revealed) set({ revealed: true, previewAt: clock() });
  },

  toggleTick(index) {
    const ticked = new Set(get().ticked);
    if (ticked.has(index)) ticked.delete(index);
    else ticked.add(index);
    set({ ticked });
  },

  setTypedAnswer(typedAnswer) {
    set({ typedAnswer });
  },

  async grade(ctx, rating) {
    const { session, currentId, revealed, busy, shownAt, dayEnd, previewAt } = get();
    // A key pressed while a grade is in flight is ignored (busy), never applied twice.
    if (!session || !currentId || !revealed || busy) return;
    const now = ctx.now();
    if (studyDay(now, ctx.settings.dayStartHour).start !== studyDay(previewAt, ctx.settings.dayStartHour).start) {
      // The buttons were computed on another study day: show the intervals for today first.
      set({ previewAt: now, message: 'A new study day began while this answer was open, so the intervals on the grade buttons were updated. Grade again.' });
      return;
    }
    set({ busy: true, message: null, notice: null });
    // Awaited: the grade is committed before the next card is shown. Scheduled at the
    // instant the buttons were computed, so it sets the interval the button showed.
    // A refused grade leaves the card on screen, answer open, and says why (the one write-failure path).
    const graded = await runWrite('This grade', () =>
      gradeCard(ctx.db, {
        cardId: currentId,
        rating,
        now: previewAt,
        durationMs: Math.min(now - shownAt, 10 * 60_000),
        settings: ctx.settings,
      }),
    );
    if (!graded) return set({ busy: false });
    const { review, card } = graded;
    const next = applyGrade(session, currentId, rating, review.id, card, now - shownAt, dayEnd);
    set({ ...moveOn(ctx, next, now), cards: new Map(get().cards).set(card.id, card) });
  },

  async undo(ctx) {
    const { session, busy } = get();
    if (!session || busy) return;
    const result = undoLast(session);
    if (!result) return;
    set({ busy: true, message: null });
    const card = await runWrite('Undoing your last grade', () => undoReview(ctx.db, result.undone.reviewId));
    if (!card) return set({ busy: false });
    const now = ctx.now();
    set({
      session: result.session,
      cards: new Map(get().cards).set(card.id, card),
      currentId: result.undone.cardId,
      status: 'active',
      revealed: true,
      ticked: new Set(),
      shownAt: now - result.undone.durationMs,
      previewAt: now,
      busy: false,
    });
  },

  async setAside(ctx, how) {
    const { session, currentId, busy, dayEnd } = get();
    if (!session || !currentId || busy) return;
    set({ busy: true, message: null });
    const done = await runWrite(how === 'bury' ? 'Burying this card' : 'Suspending this card', () =>
      (how === 'bury' ? buryCard(ctx.db, currentId, dayEnd) : setCardSuspended(ctx.db, currentId, true)).then(() => true),
    );
    if (!done) return set({ busy: false });
    const now = ctx.now();
    set({
      ...moveOn(ctx, setAsideCard(session, currentId), now),
      notice: how === 'bury' ? 'Buried until tomorrow.' : 'Suspended: it stays out of reviews until you unsuspend it in the Library.',
    });
  },

  refresh(ctx) {
    const { session, status, currentId } = get();
    if (!session || status !== 'finished' || currentId) return;
    const now = ctx.now();
    const nextId = currentCardId(session, now, learnAheadMs(ctx));
    if (nextId) set({ currentId: nextId, status: 'active', shownAt: now });
  },

  repreview(now) {
    if (get().revealed && !get().busy) set({ previewAt: now });
  },

  reset() {
    set({ ...initial });
  },
}));

/** True while a session has cards left: the app must not reload under the learner. */
export function isReviewInProgress(): boolean {
  return useReviewStore.getState().status === 'active';
}
