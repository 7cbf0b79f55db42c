import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices, useSettings } from '../../ui/app-context.tsx';
import { useFullQuestions, useQuestion } from '../../ui/questions.ts';
import { buildSearchIndex, search } from '../../core/bank/search.ts';
import { describeSelection, isEmptySelection, selectQuestions, selectionFromParams } from '../../core/bank/selection.ts';
import { Markdown } from '../../ui/markdown.tsx';
import { formatDuration, formatPercent, formatWhen } from '../../ui/format.ts';
import { Countdown } from '../../ui/countdown.tsx';
import { newCardsLeft, nextDueAfter } from '../../db/cards-repo.ts';
import { studyDay } from '../../core/scheduling/day.ts';
import { TECHNOLOGY_LABELS, type Question } from '../../core/bank/question.ts';
import { cardPrompt, parseCardId, type CardKind } from '../../core/bank/cards.ts';
import {
  RATINGS,
  RATING_NAMES,
  formatInterval,
  previewGrades,
  scheduleConfigFrom,
  type MemoryState,
  type Rating,
} from '../../core/scheduling/fsrs.ts';
import { nextWaitingDue, sessionProgress, summarise } from '../../core/scheduling/session.ts';
import { STUDY_MORE_AHEAD, STUDY_MORE_NEW, useReviewStore } from './review-store.ts';
import { suggestGrade } from './suggest-grade.ts';

/** Practice-ahead sessions review at most this many not-yet-due cards. */
const AHEAD_LIMIT = 50;

export default function ReviewScreen() {
  const { db, now } = useServices();
  const { settings, loaded } = useSettings();
  const store = useReviewStore();
  const ctx = useMemo(() => ({ db, now, settings }), [db, now, settings]);
  const [params] = useSearchParams();
  const selection = useMemo(() => selectionFromParams(params), [params]);
  const focused = !isEmptySelection(selection);
  // Every question is read only to choose a focused session's cards; a daily session
  // reads just the question on screen (a big collection has tens of thousands).
  const questions = useFullQuestions(focused);
  const ahead = params.get('ahead') === '1';
  const flags = useLiveQuery(async () => (focused ? db.flags.toArray() : null), [db, focused]);
  const ready = loaded && (!focused || (!!questions && !!flags));

  useEffect(() => {
    if (!ready) return;
    let filter: ((card: { questionId: string }) => boolean) | undefined;
    if (focused && questions && flags) {
      const ranked = selection.q ? search(buildSearchIndex(questions.questions), selection.q).map((h) => h.id) : undefined;
      const ids = new Set(
        selectQuestions(questions.questions, selection, {
          searchRanked: ranked,
          flagged: new Set(flags.map((f) => f.questionId)),
          isOwn: (q) => q.source === 'own',
        }).map((q) => q.id),
      );
      filter = (card) => ids.has(card.questionId);
    }
    void useReviewStore.getState().start(
      { db, now, settings },
      { filter, aheadLimit: ahead ? AHEAD_LIMIT : undefined, ignoreNewLimit: !!selection.questionId },
    );
    return () => useReviewStore.getState().reset();
    // Settings changes apply to the next card (ctx), without restarting the session.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [db, now, ready, params]);

  // Learning cards due in a minute or two: check back while the learner waits.
  useEffect(() => {
    if (store.status !== 'finished') return;
    const timer = setInterval(() => useReviewStore.getState().refresh(ctx), 5_000);
    return () => clearInterval(timer);
  }, [store.status, ctx]);

  // An answer left open into the next study day: its intervals are recomputed for that day.
  useEffect(() => {
    if (!store.revealed) return;
    const wait = studyDay(store.previewAt, settings.dayStartHour).end - now();
    const timer = setTimeout(() => useReviewStore.getState().repreview(now()), Math.max(0, Math.min(wait, 3_600_000)));
    return () => clearTimeout(timer);
  }, [store.revealed, store.previewAt, settings.dayStartHour, now]);

  const current = store.currentId ? store.cards.get(store.currentId) : undefined;
  const parsed = store.currentId ? parseCardId(store.currentId) : null;
  const loadedQuestion = useQuestion(parsed?.questionId);
  const question = loadedQuestion ?? undefined;
  const sessionLabel = focused ? describeSelection(selection, (t) => TECHNOLOGY_LABELS[t]) : null;

  const onKey = useCallback(
    (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target && (target.tagName === 'TEXTAREA' || target.tagName === 'INPUT' || target.isContentEditable);
      const state = useReviewStore.getState();
      if ((event.key === 'z' || event.key === 'Z') && (event.ctrlKey || event.metaKey) && !typing) {
        event.preventDefault();
        void state.undo(ctx);
        return;
      }
      if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
      if (target && (target.tagName === 'BUTTON' || target.tagName === 'SUMMARY' || target.tagName === 'A') && (event.key === ' ' || event.key === 'Enter')) {
        return; // the focused control handles its own activation
      }
      if (!state.revealed && (event.key === ' ' || event.key === 'Enter')) {
        event.preventDefault();
        state.reveal();
      } else if (state.revealed && ['1', '2', '3', '4'].includes(event.key)) {
        event.preventDefault();
        performance.mark('rehearse:grade');
        void state.grade(ctx, Number(event.key) as Rating);
      } else if (event.key === 'u' || event.key === 'U') {
        event.preventDefault();
        void state.undo(ctx);
      }
    },
    [ctx],
  );

  useEffect(() => {
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onKey]);

  if (store.status === 'idle' || store.status === 'loading' || (store.status !== 'finished' && current && loadedQuestion === undefined)) {
    return <p role="status">Loading today’s cards…</p>;
  }
  if (store.status === 'failed') return <p role="alert">{store.message}</p>;
  if (store.status === 'empty') {
    const aheadLink = `/review?${new URLSearchParams([...params.entries(), ['ahead', '1']]).toString()}`;
    return (
      <section aria-labelledby="review-heading" className="stack">
        <h1 id="review-heading">Nothing to review</h1>
        <p>
          {focused ? `Nothing in “${sessionLabel}” is due today.` : 'You are done for today.'} <Link to="/">Back to Today</Link>
        </p>
        {!ahead && (
          <p>
            <Link className="button" to={aheadLink}>Practice ahead</Link>{' '}
            <span className="muted">{AHEAD_NOTE}</span>
          </p>
        )}
      </section>
    );
  }
  if (store.status === 'finished' || !current || !parsed || !question) {
    return (
      <SessionSummary
        onUndo={() => void store.undo(ctx)}
        onStudyMore={() => void store.start(ctx, { studyMore: true })}
        onLearningDue={() => store.refresh(ctx)}
        learnAheadMinutes={settings.learnAheadMinutes}
        canUndo={!!store.session?.graded.length}
        missing={!question && !!parsed}
      />
    );
  }
  const progress = sessionProgress(store.session!);

  return (
    <section aria-labelledby="review-heading" className="stack review">
      <div className="review-progress">
        <progress value={progress.done} max={Math.max(1, progress.total)} aria-label="Session progress" />
        <span className="muted">
          {progress.done} of {progress.total}
          {progress.comingBack > 0 && <> · {progress.comingBack} coming back</>}
        </span>
      </div>
      {(sessionLabel || ahead || store.ahead) && (
        <p className="muted session-label">
          {sessionLabel && <>Focused session: {sessionLabel}. </>}
          {(ahead || store.ahead) && AHEAD_NOTE}
        </p>
      )}
      {store.message && <p role="alert" className="alert">{store.message}</p>}
      <CardFace
        key={store.currentId}
        question={question}
        kind={parsed.kind}
        memory={current}
        settingsNow={ctx}
        revealed={store.revealed}
        ticked={store.ticked}
        typedAnswer={store.typedAnswer}
        typeAnswerFirst={settings.typeAnswerFirst}
        busy={store.busy}
        canUndo={!!store.session?.graded.length}
      />
    </section>
  );
}

const AHEAD_NOTE =
  'Practising ahead reviews cards before they are due; FSRS counts them as early reviews, so they lengthen the next interval less than an on-time review would.';

function CardFace(props: {
  question: Question;
  kind: CardKind;
  memory: MemoryState;
  settingsNow: { now: () => number; settings: ReturnType<typeof useSettings>['settings']; db: ReturnType<typeof useServices>['db'] };
  revealed: boolean;
  ticked: ReadonlySet<number>;
  typedAnswer: string;
  typeAnswerFirst: boolean;
  busy: boolean;
  canUndo: boolean;
}) {
  const { question, kind, memory, settingsNow: ctx, revealed, ticked } = props;
  const store = useReviewStore();
  const checklist = kind === 'answer' ? question.keyPoints : question.commonMistakes;
  const suggestion = suggestGrade(ticked.size, checklist.length);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const answerRef = useRef<HTMLDivElement>(null);

  // The figure the grade→next-card budget is measured by (see tests/bench).
  useLayoutEffect(() => {
    if (performance.getEntriesByName('rehearse:grade').length) {
      requestAnimationFrame(() => {
        // Another card may have painted (and cleared the mark) before this frame: measure only once.
        if (!performance.getEntriesByName('rehearse:grade').length) return;
        performance.mark('rehearse:next-card-painted');
        performance.measure('rehearse:grade-to-next-card', 'rehearse:grade', 'rehearse:next-card-painted');
        performance.clearMarks('rehearse:grade');
      });
    }
    headingRef.current?.focus({ preventScroll: true });
  }, []);

  useEffect(() => {
    if (revealed) answerRef.current?.focus({ preventScroll: true });
  }, [revealed]);

  // Computed at the instant the grade will be scheduled at (see the store's previewAt), so
  // the interval on a button is the interval its grade sets.
  const previewAt = store.previewAt;
  const previews = useMemo(
    () => (revealed && store.currentId ? previewGrades(store.currentId, memory, previewAt, scheduleConfigFrom(ctx.settings, previewAt)) : null),
    [revealed, store.currentId, memory, previewAt, ctx],
  );

  const gradeWith = (rating: Rating) => {
    performance.mark('rehearse:grade');
    void store.grade(ctx, rating);
  };

  return (
    <article className="card-face">
      <p className="meta">
        <span className={`chip chip-${question.technology}`}>{TECHNOLOGY_LABELS[question.technology]}</span>
        <span>{question.topic}</span>
        <span className="capitalize">{question.level}</span>
        {kind === 'mistakes' && <span className="chip">Pitfalls card</span>}
      </p>
      <h1 id="review-heading" ref={headingRef} tabIndex={-1} className="prompt">
        {cardPrompt(question, kind)}
      </h1>
      {kind === 'mistakes' && !revealed && (
        <p className="muted">Name the mistakes people make here, and why each one bites.</p>
      )}

      {props.typeAnswerFirst && (
        <label className="typed-answer">
          <span>Your answer</span>
          <textarea
            value={props.typedAnswer}
            readOnly={revealed}
            rows={revealed ? 4 : 6}
            onChange={(e) => store.setTypedAnswer(e.target.value)}
            placeholder="Write your answer before you reveal the model answer."
          />
        </label>
      )}

      {!revealed ? (
        <div className="actions sticky-actions">
          <button type="button" className="primary big" onClick={() => store.reveal()}>
            Show answer
          </button>
          <span className="muted keys" aria-hidden="true">Space</span>
          {props.canUndo && (
            <button type="button" onClick={() => void store.undo(ctx)} disabled={props.busy}>
              Undo
            </button>
          )}
        </div>
      ) : (
        <div className="stack" ref={answerRef} tabIndex={-1} aria-label="Model answer">
          <section className="answer-block" aria-labelledby="answer-h">
            <h2 id="answer-h">Answer</h2>
            <Markdown source={question.answer} />
          </section>
          <fieldset className="checklist">
            <legend>{kind === 'answer' ? 'Key points — tick those your answer hit' : 'Common mistakes — tick those you named'}</legend>
            {checklist.map((item, index) => (
              <label key={index} className="check">
                <input type="checkbox" checked={ticked.has(index)} onChange={() => store.toggleTick(index)} />
                <Markdown source={item} inline />
              </label>
            ))}
          </fieldset>
          <p className="muted" aria-live="polite">
            Suggested grade: <strong>{RATING_NAMES[suggestion]}</strong> ({ticked.size} of {checklist.length} ticked). Override it if you know better.
          </p>
          <div className="grades" role="group" aria-label="Grade your recall">
            {RATINGS.map((rating) => (
              <button
                key={rating}
                type="button"
                className={`grade grade-${rating}${rating === suggestion ? ' suggested' : ''}`}
                disabled={props.busy}
                onClick={() => gradeWith(rating)}
              >
                {RATING_NAMES[rating]} · {formatInterval(previews![rating].due - previewAt)}
                {rating === suggestion && <span className="visually-hidden"> (suggested)</span>}
                <span className="key-hint" aria-hidden="true">{rating}</span>
              </button>
            ))}
          </div>
          <div className="actions">
            <button type="button" onClick={() => void store.undo(ctx)} disabled={!props.canUndo || props.busy}>
              Undo
            </button>
          </div>
          <MoreSections question={question} kind={kind} />
          <section aria-labelledby="followups-h">
            <h2 id="followups-h">Follow-up questions</h2>
            <ul>
              {question.followUps.map((f, i) => (
                <li key={i}><Markdown source={f} inline /></li>
              ))}
            </ul>
          </section>
        </div>
      )}
    </article>
  );
}

function MoreSections({ question, kind }: { question: Question; kind: CardKind }) {
  const sections: [string, string][] = [
    ['Deep explanation', question.deepExplanation],
    ['Real-world example', question.realWorldExample],
    ...(kind === 'answer'
      ? ([['Common mistakes', question.commonMistakes.map((m) => `- ${m}`).join('\n')]] as [string, string][])
      : ([['Key points', question.keyPoints.map((m) => `- ${m}`).join('\n')]] as [string, string][])),
    ['Production scenario', question.productionScenario],
  ];
  return (
    <div className="more-sections">
      {sections.map(([title, body]) => (
        <details key={title}>
          <summary>{title}</summary>
          <Markdown source={body} />
        </details>
      ))}
    </div>
  );
}

function SessionSummary(props: {
  onUndo: () => void;
  onStudyMore: () => void;
  onLearningDue: () => void;
  learnAheadMinutes: number;
  canUndo: boolean;
  missing: boolean;
}) {
  const { db, now } = useServices();
  const session = useReviewStore((s) => s.session);
  const summary = session ? summarise(session) : { cards: 0, reviews: 0, timeSpentMs: 0, againShare: 0 };
  const learningDue = session ? nextWaitingDue(session) : null;
  // A waiting card returns to the session once within the learn-ahead limit of its due time.
  const learningBack = learningDue === null ? null : learningDue - props.learnAheadMinutes * 60_000;
  const waitingCount = session?.waiting.length ?? 0;
  const headingRef = useRef<HTMLHeadingElement>(null);
  // What the next card and "Study more" are, read when the session ends (and after each change).
  const later = useLiveQuery(async () => {
    const at = now();
    const [next, freshLeft] = await Promise.all([nextDueAfter(db, at), newCardsLeft(db, STUDY_MORE_NEW)]);
    return { next, freshLeft, at };
  }, [db, now]);
  useEffect(() => {
    headingRef.current?.focus({ preventScroll: true });
  }, []);
  return (
    <section aria-labelledby="summary-heading" className="stack">
      <h1 id="summary-heading" ref={headingRef} tabIndex={-1}>{summary.reviews ? 'Session complete' : 'Nothing due right now'}</h1>
      {props.missing && <p role="alert">A card’s question is missing from this version of the bank; it was skipped.</p>}
      <dl className="summary">
        <div><dt>Cards studied</dt><dd>{summary.cards}</dd></div>
        <div><dt>Reviews</dt><dd>{summary.reviews}</dd></div>
        <div><dt>Time spent</dt><dd>{formatDuration(summary.timeSpentMs)}</dd></div>
        <div><dt>Graded Again</dt><dd>{formatPercent(summary.againShare)}</dd></div>
      </dl>
      {learningBack !== null ? (
        <p className="next-due">
          {waitingCount} learning card{waitingCount === 1 ? ' comes' : 's come'} back later today. The next shows here {formatWhen(learningBack, now())}, in{' '}
          <Countdown until={learningBack} now={now} onDone={props.onLearningDue} />.
        </p>
      ) : later ? (
        <p className="next-due">{later.next !== null ? `Your next card is due ${formatWhen(later.next, later.at)}.` : 'No reviews are scheduled yet.'}</p>
      ) : null}
      <div className="actions">
        <Link className="button primary" to="/">Back to Today</Link>
        {later && (
          <button type="button" onClick={props.onStudyMore} aria-describedby="study-more-note">
            Study more
          </button>
        )}
        {props.canUndo && <button type="button" onClick={props.onUndo}>Undo</button>}
      </div>
      {later && (
        <p id="study-more-note" className="muted">
          {later.freshLeft > 0
            ? `Study more: ${later.freshLeft} new card${later.freshLeft === 1 ? '' : 's'} beyond today’s limit.`
            : `Study more: no new cards are left, so practise up to ${STUDY_MORE_AHEAD} cards ahead of schedule.`}
        </p>
      )}
    </section>
  );
}
