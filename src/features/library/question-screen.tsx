import { useLiveQuery } from 'dexie-react-hooks';
import { Link, useParams } from 'react-router';
import { useServices } from '../../ui/app-context.tsx';
import { Markdown } from '../../ui/markdown.tsx';
import { TECHNOLOGY_LABELS } from '../../core/bank/question.ts';
import { parseCardId } from '../../core/bank/cards.ts';
import { RATING_NAMES, formatInterval } from '../../core/scheduling/fsrs.ts';
import { questionHistory, setQuestionSuspended } from '../../db/cards-repo.ts';

export default function QuestionScreen() {
  const { questionId = '' } = useParams();
  const { db, bank } = useServices();
  const question = bank.byId.get(questionId);
  const history = useLiveQuery(() => questionHistory(db, questionId), [db, questionId]);

  if (!question) {
    return (
      <section className="stack">
        <h1>Question not found</h1>
        <p>No question has the id “{questionId}”. <Link to="/library">Back to the Library</Link></p>
      </section>
    );
  }
  const suspended = !!history?.cards.length && history.cards.every((c) => c.suspended);
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
        <span className={`chip chip-${question.technology}`}>{TECHNOLOGY_LABELS[question.technology]}</span>
        <span>{question.topic}</span>
        <span className="capitalize">{question.level}</span>
        <span>Difficulty {question.difficulty}/10</span>
        {suspended && <span className="chip">Suspended</span>}
      </p>
      <h1 id="question-heading">{question.title}</h1>
      <div className="actions">
        <button type="button" onClick={() => void setQuestionSuspended(db, question.id, !suspended)}>
          {suspended ? 'Unsuspend' : 'Suspend'}
        </button>
      </div>
      {sections.map(([title, body]) => (
        <section key={title} aria-label={title}>
          <h2>{title}</h2>
          <Markdown source={body} />
        </section>
      ))}
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Your history</h2>
        {!history?.reviews.length ? (
          <p className="muted">Not reviewed yet.</p>
        ) : (
          <table className="history">
            <thead><tr><th scope="col">Date</th><th scope="col">Card</th><th scope="col">Grade</th><th scope="col">Next interval</th></tr></thead>
            <tbody>
              {history.reviews.map((r) => (
                <tr key={r.id}>
                  <td>{new Date(r.reviewedAt).toLocaleString()}</td>
                  <td>{parseCardId(r.cardId)?.kind === 'mistakes' ? 'Pitfalls' : 'Answer'}</td>
                  <td>{RATING_NAMES[r.rating]}</td>
                  <td>{r.intervalDays === null ? '—' : formatInterval(r.intervalDays * 86_400_000)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </article>
  );
}
