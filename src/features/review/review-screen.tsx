import { runWrite } from '../../ui/write-failures.tsx';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices, useSettings } from '../../db/hooks/services.tsx';
import { PersistStorageRequest } from './persist-storage.tsx';
import { prefetchQuestions, useFullQuestions, useQuestion, useQuestions } from '../../db/hooks/questions.ts';
import { buildSearchIndex, search } from '../../core/bank/search.ts';
import { describeSelection, isEmptySelection, selectQuestions, selectionFromParams } from '../../core/bank/selection.ts';
import { Markdown } from '../../ui/markdown.tsx';
import { formatDuration, formatPercent, formatWhen } from '../../ui/format.ts';
import { Countdown } from '../../ui/countdown.tsx';
import { newCardsLeft, nextDueAfter } from '../../db/cards-repo.ts';
import { studyDay } from '../../core/scheduling/day.ts';
import { TECHNOLOGY_LABELS, type LoadedSummary, type Question } from '../../core/bank/question.ts';
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
import { SHORTCUTS, reviewKeyAction } from './review-keys.ts';
import { isFlagged, readNote, saveNote, setFlagged } from '../../db/library-repo.ts';

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
  // A focused session chooses its cards from every question: by their summaries, or by
  // their full texts when it searches. A daily session reads just the questions on screen
  // and next (a big collection has tens of thousands).
  const searching = focused && !!selection.q;
  const full = useFullQuestions(searching);
  const summaries = useQuestions();
  const pool = searching ? full?.questions : focused && summaries.loaded ? summaries.questions : undefined;
  const ahead = params.get('ahead') === '1';
  const flags = useLiveQuery(async () => (focused ? db.flags.toArray() : null), [db, focused]);
  const ready = loaded && (!focused || (!!pool && !!flags));

  useEffect(() => {
    if (!ready) return;
    let filter: ((card: { questionId: string }) => boolean) | undefined;
    if (focused && pool && flags) {
      const ranked = searching && full ? search(buildSearchIndex(full.questions), selection.q!).map((h) => h.id) : undefined;
      const ids = new Set(
        selectQuestions<LoadedSummary>(pool, selection, {
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
  // The next two cards' and the waiting learning cards' questions load while this one is
  // studied, so a grade or a returning card never waits for its text.
  const upcoming = store.session ? [...store.session.queue.slice(0, 3), ...store.session.waiting.map((w) => w.id)] : [];
  const upcomingKey = upcoming.map((id) => parseCardId(id)?.questionId ?? '').join(' ');
  useEffect(() => {
    if (upcomingKey) prefetchQuestions([...new Set(upcomingKey.split(' '))].filter(Boolean));
  }, [upcomingKey]);
  const loadedQuestion = useQuestion(parsed?.questionId);
  const question = loadedQuestion ?? undefined;
  const sessionLabel = focused ? describeSelection(selection, (t) => TECHNOLOGY_LABELS[t]) : null;

  const [helpOpen, setHelpOpen] = useState(false);
  const [noteOpen, setNoteOpen] = useState(false);
  const flagged = useLiveQuery(async () => (parsed ? isFlagged(db, parsed.questionId) : false), [db, parsed?.questionId]);
  useEffect(() => setNoteOpen(false), [store.currentId]);
  const toggleFlag = useCallback(() => {
    if (parsed) void runWrite(flagged ? 'Removing the flag' : 'The flag', () => setFlagged(db, parsed.questionId, !flagged, now()));
  }, [db, now, parsed?.questionId, flagged]); // eslint-disable-line react-hooks/exhaustive-deps

  const onKey = useCallback(
    (event: KeyboardEvent) => {
      const state = useReviewStore.getState();
      if (event.key === 'Escape' && helpOpen) {
        setHelpOpen(false);
        return;
      }
      const action = reviewKeyAction(event, state.revealed);
      if (!action) return;
      // A held key must not reveal and then grade the same card.
      if (event.repeat && (action.type === 'reveal' || action.type === 'grade')) {
        event.preventDefault();
        return;
      }
      const cardOnScreen = state.status === 'active' && !!state.currentId;
      switch (action.type) {
        case 'help':
          setHelpOpen((open) => !open);
          break;
        case 'undo':
          void state.undo(ctx);
          break;
        case 'reveal':
          if (!cardOnScreen) return;
          state.reveal();
          break;
        case 'grade':
          if (!cardOnScreen) return;
          performance.mark('rehearse:grade');
          void state.grade(ctx, action.rating);
          break;
        case 'flag':
          if (!cardOnScreen) return;
          toggleFlag();
          break;
        case 'bury':
        case 'suspend':
          if (!cardOnScreen) return;
          void state.setAside(ctx, action.type);
          break;
        case 'note':
          if (!cardOnScreen) return;
          setNoteOpen(true);
          // Focus moves to the note once it is drawn (see NoteEditor's autofocus).
          break;
      }
      event.preventDefault();
    },
    [ctx, helpOpen, toggleFlag],
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
  // "Study it now" on a never-studied question is no early review: warn only when this card is not due yet.
  const earlyNow = (ahead || store.ahead) && current.state !== 0 && current.due > ctx.now();

  return (
    <section aria-labelledby="review-heading" className="stack review">
      <div className="review-progress">
        <progress value={progress.done} max={Math.max(1, progress.total)} aria-label="Session progress" />
        <span className="muted">
          {progress.done} of {progress.total}
          {progress.comingBack > 0 && <> · {progress.comingBack} coming back</>}
        </span>
      </div>
      {(sessionLabel || earlyNow) && (
        <p className="muted session-label">
          {sessionLabel && <>Focused session: {sessionLabel}. </>}
          {earlyNow && AHEAD_NOTE}
        </p>
      )}
      {store.message && <p role="alert" className="alert">{store.message}</p>}
      {store.notice && <p role="status" className="muted">{store.notice}</p>}
      {helpOpen && <ShortcutList onClose={() => setHelpOpen(false)} />}
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
      <CardActions
        key={`actions-${store.currentId}`}
        questionId={parsed.questionId}
        flagged={!!flagged}
        busy={store.busy}
        noteOpen={noteOpen}
        onFlag={toggleFlag}
        onBury={() => void store.setAside(ctx, 'bury')}
        onSuspend={() => void store.setAside(ctx, 'suspend')}
        onNote={() => setNoteOpen((open) => !open)}
        onHelp={() => setHelpOpen((open) => !open)}
        helpOpen={helpOpen}
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
  const suggestion = suggestGrade(
    ticked.size,
    checklist.length,
    props.typedAnswer.trim() !== '',
    kind === 'answer' ? 'key points' : 'mistakes',
  );
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
        <div className="actions thumb-bar">
          <button type="button" className="primary big" onClick={() => store.reveal()}>
            Show answer
          </button>
          <span className="muted keys key-only" aria-hidden="true">Space</span>
          {props.canUndo && (
            <button type="button" onClick={() => void store.undo(ctx)} disabled={props.busy}>
              Undo
            </button>
          )}
        </div>
      ) : (
        <div className="stack" ref={answerRef} tabIndex={-1} role="group" aria-label="Model answer">
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
          <p className="muted suggestion" aria-live="polite">
            {suggestion ? (
              <>
                Suggested grade: <strong>{RATING_NAMES[suggestion.rating]}</strong> ({suggestion.reason}). Override it if you know better.
              </>
            ) : (
              <>Tick what your answer hit and a grade will be suggested.</>
            )}
          </p>
          <p className="muted key-line key-only">
            Keys: <kbd>1</kbd>–<kbd>4</kbd> grade, <kbd>Space</kbd> Good, <kbd>U</kbd> undo, <kbd>?</kbd> all shortcuts
          </p>
          <div className="grades thumb-bar" role="group" aria-label="Grade your recall">
            {RATINGS.map((rating) => (
              <button
                key={rating}
                type="button"
                className={`grade grade-${rating}${rating === suggestion?.rating ? ' suggested' : ''}`}
                disabled={props.busy}
                onClick={() => gradeWith(rating)}
              >
                {RATING_NAMES[rating]} · {formatInterval(previews![rating].due - previewAt)}
                {rating === suggestion?.rating && <span className="visually-hidden"> (suggested)</span>}
                <span className="key-hint key-only" aria-hidden="true">{rating}</span>
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
      {summary.reviews > 0 && <PersistStorageRequest />}
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

/** Card actions that are not grades: flag the question, bury or suspend the card, a note. */
function CardActions(props: {
  questionId: string;
  flagged: boolean;
  busy: boolean;
  noteOpen: boolean;
  onFlag: () => void;
  onBury: () => void;
  onSuspend: () => void;
  onNote: () => void;
  onHelp: () => void;
  helpOpen: boolean;
}) {
  return (
    <div className="stack card-actions-block">
      <div className="actions card-actions" role="group" aria-label="Card actions">
        <button type="button" aria-pressed={props.flagged} onClick={props.onFlag}>
          {props.flagged ? 'Flagged' : 'Flag'} <kbd className="key-only" aria-hidden="true">F</kbd>
        </button>
        <button type="button" onClick={props.onBury} disabled={props.busy}>
          Bury until tomorrow <kbd className="key-only" aria-hidden="true">B</kbd>
        </button>
        <button type="button" onClick={props.onSuspend} disabled={props.busy}>
          Suspend <kbd className="key-only" aria-hidden="true">S</kbd>
        </button>
        <button type="button" aria-expanded={props.noteOpen} onClick={props.onNote}>
          Note <kbd className="key-only" aria-hidden="true">N</kbd>
        </button>
        <button type="button" className="key-only" aria-expanded={props.helpOpen} onClick={props.onHelp}>
          Shortcuts <kbd aria-hidden="true">?</kbd>
        </button>
      </div>
      {props.noteOpen && <NoteEditor questionId={props.questionId} />}
    </div>
  );
}

/** The learner's note on this question, the same note the Library shows; saved on leaving the box. */
function NoteEditor({ questionId }: { questionId: string }) {
  const { db, now } = useServices();
  const stored = useLiveQuery(() => readNote(db, questionId), [db, questionId]);
  const [text, setText] = useState<string | null>(null);
  const [state, setState] = useState<'idle' | 'saved' | 'error'>('idle');
  const ref = useRef<HTMLTextAreaElement>(null);
  const saved = useRef(false);
  useEffect(() => ref.current?.focus(), [stored === undefined]); // eslint-disable-line react-hooks/exhaustive-deps

  const save = async () => {
    if (text === null || saved.current) return;
    const done = await runWrite('Your note', () => saveNote(db, questionId, text, now()).then(() => true));
    if (done) saved.current = true;
    setState(done ? 'saved' : 'error');
  };
  // Leaving the card (grade, bury) saves what was typed.
  const latest = useRef(save);
  latest.current = save;
  useEffect(() => () => void latest.current(), []);

  if (stored === undefined) return null;
  return (
    <div className="stack note">
      <label className="field">
        <span>Your note on this question</span>
        <textarea
          ref={ref}
          value={text ?? stored}
          maxLength={20_000}
          onChange={(e) => {
            setText(e.target.value);
            saved.current = false;
            setState('idle');
          }}
          onBlur={() => void save()}
        />
      </label>
      <p className="muted" role="status">
        {state === 'saved' ? 'Note saved.' : state === 'error' ? 'The note could not be saved.' : ''}
      </p>
    </div>
  );
}

function ShortcutList({ onClose }: { onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus({ preventScroll: true }), []);
  return (
    <section className="shortcuts" role="dialog" aria-labelledby="shortcuts-heading">
      <h2 id="shortcuts-heading">Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt><kbd>{keys}</kbd></dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">Keys work whatever has focus, except while you type in a text box.</p>
      <button type="button" ref={closeRef} onClick={onClose}>Close</button>
    </section>
  );
}
