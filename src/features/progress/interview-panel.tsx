import { runWrite } from '../../ui/write-failures.tsx';
import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useServices } from '../../db/hooks/services.tsx';
import { updateSettings } from '../../db/settings-repo.ts';
import { formatPercent } from '../../ui/format.ts';
import type { InterviewStatus } from '../../core/mastery/readiness.ts';
import type { MasteryReport, TopicMastery } from '../../core/mastery/mastery.ts';
import { formatDateKey } from './charts.tsx';
import { drillPath, libraryPath, technologyLabel } from './links.ts';

const LONG_DATE: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric' };

/** Sets or clears the interview date (the same setting as in Settings) and shows readiness for it. */
export function InterviewPanel(props: {
  interviewDate: string | null;
  status: InterviewStatus;
  now: MasteryReport;
  onTheDay: MasteryReport | null;
  scheduledBefore: number | null;
}) {
  const { db } = useServices();
  const [draft, setDraft] = useState(props.interviewDate ?? '');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setDraft(props.interviewDate ?? ''), [props.interviewDate]);

  async function save(change: string | null) {
    const result = await runWrite('The interview date', () => updateSettings(db, { interviewDate: change }));
    if (!result) return;
    setError(result.ok ? null : result.errors.map((e) => e.replace(/^[\w.]+: /, '')).join('; '));
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft) {
      setError('Pick a date first, or use Clear to remove the interview date.');
      return;
    }
    void save(draft);
  }

  const { status } = props;
  return (
    <section aria-labelledby="interview-heading" className="stack progress-panel">
      <h2 id="interview-heading">Interview readiness</h2>
      <form className="interview-form" onSubmit={submit} noValidate>
        <label>
          <span>Interview date</span>
          <input type="date" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </label>
        <div className="actions">
          <button type="submit" className="primary">Save date</button>
          {props.interviewDate && (
            <button type="button" onClick={() => void save(null)} aria-label="Clear interview date">Clear</button>
          )}
        </div>
      </form>
      {error && <p role="alert" className="alert">{error}</p>}
      {status.kind === 'none' && (
        <p className="muted">Set the date of your interview to see how much you would recall on the day.</p>
      )}
      {status.kind === 'passed' && (
        <p role="status">Your interview date, {formatDateKey(status.date, LONG_DATE)}, has passed. Your mastery now is shown below.</p>
      )}
      {status.kind === 'today' && (
        <p role="status">Your interview is today. Good luck! Your mastery now is shown below.</p>
      )}
      {status.kind === 'upcoming' && props.onTheDay && (
        <Readiness status={status} now={props.now} onTheDay={props.onTheDay} scheduledBefore={props.scheduledBefore ?? 0} />
      )}
    </section>
  );
}

function Readiness(props: {
  status: Extract<InterviewStatus, { kind: 'upcoming' }>;
  now: MasteryReport;
  onTheDay: MasteryReport;
  scheduledBefore: number;
}) {
  const { status, onTheDay } = props;
  const nowByTopic = new Map(props.now.topics.map((t) => [t.key, t.mastery]));
  const weakest = onTheDay.topics.filter((t) => t.total > 0).slice(0, 3);
  return (
    <div className="stack readiness">
      <p>
        Interview on <strong>{formatDateKey(status.date, LONG_DATE)}</strong>, in {status.daysLeft} day{status.daysLeft === 1 ? '' : 's'}.
        If you stopped reviewing now, you would recall <strong>{formatPercent(onTheDay.overall.mastery)}</strong> of your
        cards on the day (today {formatPercent(props.now.overall.mastery)}).
      </p>
      <p>
        <strong>{props.scheduledBefore}</strong> review{props.scheduledBefore === 1 ? ' is' : 's are'} scheduled before it: studied
        cards, not suspended, whose next review falls before the interview day starts, each counted once.
      </p>
      {weakest.length > 0 && (
        <>
          <h3>Weakest topics on the day</h3>
          <ol className="weakest">
            {weakest.map((t) => (
              <li key={t.key}>
                <span>{technologyLabel(t.technology)} · {t.topic}: {formatPercent(t.mastery)}</span>{' '}
                <Link to={drillPath(t)}>Drill {t.topic}</Link>
              </li>
            ))}
          </ol>
        </>
      )}
      <table className="progress-table">
        <caption>Predicted recall per topic on {formatDateKey(status.date)} if you stop reviewing now, weakest first</caption>
        <thead>
          <tr><th scope="col">Topic</th><th scope="col">On the day</th><th scope="col">Today</th></tr>
        </thead>
        <tbody>
          {onTheDay.topics.map((t: TopicMastery) => (
            <tr key={t.key}>
              <th scope="row">
                <Link to={libraryPath(t)}>{t.topic}</Link> <small>{technologyLabel(t.technology)}</small>
              </th>
              <td>{formatPercent(t.mastery)}</td>
              <td>{formatPercent(nowByTopic.get(t.key) ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
