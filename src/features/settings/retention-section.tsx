import { runWrite } from '../../ui/write-failures.tsx';
import { useState } from 'react';
import { useServices, useSettings } from '../../db/hooks/services.tsx';
import { loadForecastCards } from '../../db/cards-repo.ts';
import { updateSettings } from '../../db/settings-repo.ts';
import { dateKeyToDayStart } from '../../core/scheduling/day.ts';
import {
  RETENTION_CHOICES,
  forecastRetention,
  retentionForInterview,
  type InterviewAdvice,
  type RetentionOutcome,
} from '../../core/scheduling/retention-forecast.ts';

const FORECAST_DAYS = 30;
const pct = (x: number) => `${Math.round(x * 100)} %`;
const pct1 = (x: number) => `${(x * 100).toFixed(1)} %`;
const count = (x: number) => (x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString());
/** Lets the page paint between simulations of a large collection. */
const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

interface Result {
  outcomes: RetentionOutcome[];
  interview: InterviewAdvice | null;
  studied: number;
}

/**
 * Settings → Retention helper: what each desired retention would cost (reviews a day over the
 * next 30 days) and buy (expected recall), simulated on this learner's collection with their
 * parameters, and with an interview date the retention that gives the best recall on the day.
 */
export function RetentionSection({ formUnsaved }: { formUnsaved: boolean }) {
  const { db, now } = useServices();
  const { settings, loaded } = useSettings();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [message, setMessage] = useState<{ text: string; alert?: boolean } | null>(null);

  async function estimate() {
    setBusy(true);
    setMessage(null);
    try {
      const cards = await loadForecastCards(db);
      const studied = cards.filter((c) => c.memory.state !== 0).length;
      const time = now();
      const choices = [...new Set([...RETENTION_CHOICES, settings.desiredRetention])].sort((a, b) => a - b);
      const outcomes: RetentionOutcome[] = [];
      for (const retention of choices) {
        await breathe();
        outcomes.push(forecastRetention(cards, retention, { now: time, settings, days: FORECAST_DAYS }));
      }
      await breathe();
      const interview = settings.interviewDate
        ? retentionForInterview(cards, { now: time, settings }, dateKeyToDayStart(settings.interviewDate, settings.dayStartHour))
        : null;
      setResult({ outcomes, interview, studied });
    } catch (error) {
      setMessage({ text: `The estimate could not be made: ${error instanceof Error ? error.message : String(error)}`, alert: true });
    } finally {
      setBusy(false);
    }
  }

  async function use(retention: number) {
    if (formUnsaved) {
      setMessage({ text: 'Save or undo your changes in the form above first: using a retention here would replace them.', alert: true });
      return;
    }
    const saved = await runWrite('The desired retention', () => updateSettings(db, { desiredRetention: retention }));
    // A refused write has its one message on screen already.
    if (!saved) return setMessage(null);
    setMessage(saved.ok ? { text: `Desired retention set to ${pct(retention)}. It applies from the next card.` } : { text: `Nothing changed: ${saved.errors.join('; ')}`, alert: true });
  }

  const advice = result?.interview;
  return (
    <section aria-labelledby="retention-heading" className="stack">
      <h2 id="retention-heading">Retention helper</h2>
      <p>
        Compare desired retentions on your own collection: how many reviews a day each would ask of you over the next {FORECAST_DAYS} days, and how much you
        would remember at the end. It simulates your cards with {settings.fsrsParameters ? 'your personal' : 'the default'} parameters and your daily limits.
      </p>
      <div className="actions">
        <button type="button" onClick={() => void estimate()} disabled={!loaded || busy}>
          {busy ? 'Estimating…' : result ? 'Estimate again' : 'Compare retentions'}
        </button>
      </div>
      {busy && <p role="status">Simulating your next {FORECAST_DAYS} days…</p>}
      {result && !busy && result.studied === 0 && (
        <p role="status">Nothing studied yet: the figures below only count the new cards you would start. Study a few sessions for a forecast of your own.</p>
      )}
      {result && !busy && (
        <div className="table-scroll">
          <table className="progress-table">
            <caption>Next {FORECAST_DAYS} days on {result.studied.toLocaleString()} studied cards</caption>
            <thead>
              <tr>
                <th scope="col">Desired retention</th>
                <th scope="col">Reviews a day</th>
                <th scope="col">Busiest day</th>
                <th scope="col">Expected recall after {FORECAST_DAYS} days</th>
              </tr>
            </thead>
            <tbody>
              {result.outcomes.map((o) => (
                <tr key={o.retention} aria-current={o.retention === settings.desiredRetention ? 'true' : undefined}>
                  <th scope="row">
                    {pct(o.retention)}
                    {o.retention === settings.desiredRetention && ' (yours)'}
                  </th>
                  <td>{count(o.averageReviews)}</td>
                  <td>{count(o.busiestDay)}</td>
                  <td>{result.studied ? pct1(o.recall) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {advice && !busy && (
        <div className="stack" role="status">
          <p>
            For your interview in {advice.days} {advice.days === 1 ? 'day' : 'days'}: aim for <strong>{pct(advice.best.retention)}</strong>. It gives the best
            predicted recall on the day ({pct1(advice.best.recall)}) for about {count(advice.best.averageReviews)} reviews a day within your limit of{' '}
            {settings.reviewsPerDay.toLocaleString()}.
          </p>
          {advice.best.retention !== settings.desiredRetention && (
            <div className="actions">
              <button type="button" onClick={() => void use(advice.best.retention)}>
                Use {pct(advice.best.retention)}
              </button>
            </div>
          )}
        </div>
      )}
      {message && (
        <p role={message.alert ? 'alert' : 'status'} className={message.alert ? 'alert' : undefined}>
          {message.text}
        </p>
      )}
    </section>
  );
}
