import { runWrite } from '../../ui/write-failures.tsx';
import { useEffect, useRef, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { Link, useNavigate, useParams } from 'react-router';
import { useServices } from '../../db/hooks/services.tsx';
import { useQuestion } from '../../db/hooks/questions.ts';
import { Markdown } from '../../ui/markdown.tsx';
import { TECHNOLOGY_LABELS } from '../../core/bank/question.ts';
import { parseCardId } from '../../core/bank/cards.ts';
import { RATING_NAMES, RESET_RATING, formatInterval } from '../../core/scheduling/fsrs.ts';
import { questionHistory, resetQuestionProgress, setQuestionSuspended } from '../../db/cards-repo.ts';
import { deleteOwnQuestion, saveNote, setFlagged } from '../../db/library-repo.ts';

export default function QuestionScreen() {
  const { questionId = '' } = useParams();
  const { db, now } = useServices();
  const loadedQuestion = useQuestion(questionId);
  const navigate = useNavigate();
  const question = loadedQuestion ?? undefined;
  const history = useLiveQuery(() => questionHistory(db, questionId), [db, questionId]);
  const flag = useLiveQuery(() => db.flags.get(questionId).then((f) => f ?? null), [db, questionId]);
  const [confirming, setConfirming] = useState<'reset' | 'delete' | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  if (!question) {
    if (loadedQuestion === undefined) return <p role="status">Loading…</p>;
    return (
      <section className="stack">
        <h1>Question not found</h1>
        <p>No question has the id “{questionId}”. <Link to="/library">Back to the Library</Link></p>
      </section>
    );
  }
  const suspended = !!history?.cards.length && history.cards.every((c) => c.suspended);
  const reviewCount = history?.reviews.filter((r) => r.rating !== RESET_RATING).length ?? 0;
  const list = (items: string[]) => items.map((i) => `- ${i}`).join('\n');
  const sections: [string, string][] = [
    ['Answer', question.answer],
    ['Key points', list(question.keyPoints)],
    ['Deep explanation', question.deepExplanation],
    ['Real-world example', question.realWorldExample],
    ['Common mistakes', list(question.commonMistakes)],
    ['Production scenario', question.productionScenario],
    ['Follow-up questions', list(question.followUps)],
  ];
  return (
    <article className="stack question-detail" aria-labelledby="question-heading">
      <p><Link to="/library">← Library</Link></p>
      <p className="meta">
        {question.source === 'own' && <span className="chip">Own</span>}
        <span className={`chip chip-${question.technology}`}>{TECHNOLOGY_LABELS[question.technology]}</span>
        <span>{question.topic}</span>
        <span className="capitalize">{question.level}</span>
        <span>Difficulty {question.difficulty}/10</span>
        {suspended && <span className="chip">Suspended</span>}
        {flag && <span className="chip">Flagged</span>}
      </p>
      <h1 id="question-heading">{question.title}</h1>
      <div className="actions" role="group" aria-label="Question actions">
        <Link className="button primary" to={`/review?question=${encodeURIComponent(question.id)}&ahead=1`}>Study it now</Link>
        <button type="button" onClick={() => void runWrite(suspended ? 'Unsuspending this question' : 'Suspending this question', () => setQuestionSuspended(db, question.id, !suspended))}>
          {suspended ? 'Unsuspend' : 'Suspend'}
        </button>
        <button type="button" aria-pressed={!!flag} onClick={() => void runWrite(flag ? 'Removing the flag' : 'The flag', () => setFlagged(db, question.id, !flag, now()))}>
          {flag ? 'Unflag' : 'Flag'}
        </button>
        <button type="button" onClick={() => setConfirming('reset')}>Reset progress</button>
        {question.source === 'own' && (
          <>
            <Link className="button" to={`/library/${question.id}/edit`}>Edit</Link>
            <button type="button" className="danger" onClick={() => setConfirming('delete')}>Delete</button>
          </>
        )}
      </div>
      {confirming === 'reset' && (
        <div className="notice inline" role="alertdialog" aria-labelledby="confirm-reset">
          <p id="confirm-reset">Start this question’s cards over as new? Your {reviewCount} past review{reviewCount === 1 ? '' : 's'} stay in the history.</p>
          <div className="actions">
            <button type="button" className="danger" onClick={async () => {
              const done = await runWrite('The reset', () => resetQuestionProgress(db, question.id, now()).then(() => true));
              setConfirming(null);
              if (done) setStatus('Progress reset: the cards are new again.');
            }}>Confirm reset</button>
            <button type="button" onClick={() => setConfirming(null)}>Cancel</button>
          </div>
        </div>
      )}
      {confirming === 'delete' && (
        <div className="notice inline" role="alertdialog" aria-labelledby="confirm-delete">
          <p id="confirm-delete">
            Delete this question? Its cards leave your schedule and it no longer counts in Progress. Its {reviewCount} past
            review{reviewCount === 1 ? '' : 's'} stay in your review log and backups.
          </p>
          <div className="actions">
            <button type="button" className="danger" onClick={async () => {
              const done = await runWrite('Deleting the question', () => deleteOwnQuestion(db, question.id).then(() => true));
              if (done) navigate('/library', { replace: true });
              else setConfirming(null);
            }}>Confirm delete</button>
            <button type="button" onClick={() => setConfirming(null)}>Cancel</button>
          </div>
        </div>
      )}
      {status && <p role="status">{status}</p>}
      {sections.map(([title, body]) => (
        <section key={title} aria-label={title}>
          <h2>{title}</h2>
          <Markdown source={body} />
        </section>
      ))}
      <NoteEditor questionId={question.id} />
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Your history</h2>
        {!history?.reviews.length ? (
          <p className="muted">Not reviewed yet.</p>
        ) : (
          <div className="table-scroll">
            <table className="history">
              <thead><tr><th scope="col">Date</th><th scope="col">Card</th><th scope="col">Grade</th><th scope="col">Next interval</th></tr></thead>
              <tbody>
                {history.reviews.map((r) => (
                  <tr key={r.id}>
                    <td>{new Date(r.reviewedAt).toLocaleString()}</td>
                    <td>{parseCardId(r.cardId)?.kind === 'mistakes' ? 'Pitfalls' : 'Answer'}</td>
                    <td>{r.rating === RESET_RATING ? 'Reset' : RATING_NAMES[r.rating]}</td>
                    <td>{r.rating === RESET_RATING || r.intervalDays === null ? '—' : formatInterval(r.intervalDays * 86_400_000)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </article>
  );
}

/** A personal note, saved as you type (debounced) and on leaving the page. */
function NoteEditor({ questionId }: { questionId: string }) {
  const { db, now } = useServices();
  const stored = useLiveQuery(() => db.notes.get(questionId).then((n) => n ?? null), [db, questionId]);
  const [text, setText] = useState<string | null>(null);
  const [state, setState] = useState<'idle' | 'saving' | 'saved' | 'error'>('idle');
  const pending = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const flush = async () => {
    if (pending.current === null) return;
    const value = pending.current;
    pending.current = null;
    const done = await runWrite('Your note', () => saveNote(db, questionId, value, now()).then(() => true));
    setState(done ? 'saved' : 'error');
  };

  useEffect(() => () => {
    clearTimeout(timer.current);
    void flush();
  }, [questionId]); // eslint-disable-line react-hooks/exhaustive-deps

  const value = text ?? stored?.text ?? '';
  return (
    <section aria-labelledby="note-heading" className="note">
      <h2 id="note-heading">Your note</h2>
      <textarea
          aria-labelledby="note-heading"
          value={value}
          maxLength={20_000}
          placeholder="What tripped you up, the example you will use in the interview…"
          onChange={(e) => {
            setText(e.target.value);
            pending.current = e.target.value;
            setState('saving');
            clearTimeout(timer.current);
            timer.current = setTimeout(() => void flush(), 400);
          }}
          onBlur={() => void flush()}
        />
      <p className="muted" role="status">
        {state === 'saving' ? 'Saving…' : state === 'saved' ? 'Note saved.' : state === 'error' ? 'The note could not be saved.' : ''}
      </p>
    </section>
  );
}
