import { runWrite } from '../../ui/write-failures.tsx';
import { useEffect, useRef, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices, useSettings } from '../../db/hooks/services.tsx';
import { loadCollectionSize } from '../../db/stats-repo.ts';
import { resetParameters, saveFit } from '../../db/optimiser-repo.ts';
import { describeParameters, refitReason, sameParameters } from '../../core/scheduling/optimiser.ts';
import { OptimiserCancelled, startOptimiser, type OptimiserRun } from '../../workers/optimiser-client.ts';
import type { OptimiserStage } from '../../workers/optimiser-messages.ts';

const STAGE_LABEL: Record<OptimiserStage, string> = {
  reading: 'Reading your reviews',
  fitting: 'Fitting parameters to your reviews',
  evaluating: 'Checking the new parameters against the current ones',
};

interface Running {
  stage: OptimiserStage;
  done: number;
  total: number;
  startedAt: number;
}

const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
const dateOf = (time: number) => new Date(time).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/**
 * Settings → Personal parameters: fits FSRS to this learner's own log in a worker and keeps
 * the new weights only when they predict the learner's history better (Anki's rule).
 */
export function ParametersSection() {
  const { db, now } = useServices();
  const { settings, loaded } = useSettings();
  const size = useLiveQuery(() => loadCollectionSize(db), [db]);
  const [running, setRunning] = useState<Running | null>(null);
  const [message, setMessage] = useState<{ text: string; details?: string[]; alert?: boolean } | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const run = useRef<OptimiserRun | null>(null);

  useEffect(() => () => run.current?.cancel(), []);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setElapsed(Math.round((now() - running.startedAt) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [running, now]);

  const personal = settings.fsrsParameters;
  const fit = settings.lastFit;
  const suggestion = size ? refitReason(now(), size.reviews, fit) : null;

  async function optimise() {
    setMessage(null);
    setElapsed(0);
    const startedAt = now();
    setRunning({ stage: 'reading', done: 0, total: size?.reviews ?? 0, startedAt });
    const current = run.current = startOptimiser(
      {
        dbName: db.name,
        dayStartHour: settings.dayStartHour,
        utcOffsetMinutes: -new Date(now()).getTimezoneOffset(),
        current: personal ? [...personal] : null,
        expectedReviews: size?.reviews ?? 0,
      },
      (stage, done, total) => setRunning({ stage, done, total, startedAt }),
    );
    try {
      const outcome = await current.outcome;
      if (outcome.type === 'too-little') {
        setMessage({ text: outcome.message });
        return;
      }
      const record = {
        fittedAt: now(),
        reviewCount: outcome.reviewCount,
        applied: outcome.better && !(personal && sameParameters(personal, outcome.weights)),
        before: { logLoss: outcome.before.logLoss, rmse: outcome.before.rmse },
        after: { logLoss: outcome.after.logLoss, rmse: outcome.after.rmse },
      };
      const saved = await runWrite('The optimised parameters', () => saveFit(db, outcome.weights, record, record.fittedAt));
      // A refused write has its one message on screen already; the parameters are unchanged.
      if (!saved) return;
      if (!saved.ok) throw new Error(`The result could not be saved (${saved.errors.join('; ')}). Your parameters are unchanged.`);
      const figures = `Log loss ${outcome.before.logLoss.toFixed(4)} → ${outcome.after.logLoss.toFixed(4)}, RMSE ${percent(outcome.before.rmse)} → ${percent(outcome.after.rmse)} over ${outcome.before.count.toLocaleString()} reviews.`;
      setMessage(
        record.applied
          ? { text: `New parameters applied from the next card. ${figures}`, details: [...describeParameters(outcome.weights), ...(outcome.advice ? [outcome.advice] : [])] }
          : { text: `Your parameters are already the best fit for your reviews: nothing changed. ${figures}`, details: outcome.advice ? [outcome.advice] : [] },
      );
    } catch (error) {
      setMessage({ text: error instanceof OptimiserCancelled ? error.message : error instanceof Error ? error.message : String(error), alert: !(error instanceof OptimiserCancelled) });
    } finally {
      run.current = null;
      setRunning(null);
    }
  }

  async function backToDefaults() {
    setMessage(null);
    const result = await runWrite('Going back to the default parameters', () => resetParameters(db, now()));
    if (!result) return;
    setMessage(result.ok ? { text: 'Back to the default FSRS-6 parameters from the next card.' } : { text: `Nothing changed: ${result.errors.join('; ')}`, alert: true });
  }

  return (
    <section aria-labelledby="parameters-heading" className="stack">
      <h2 id="parameters-heading">Personal parameters</h2>
      <p>
        {personal
          ? `Scheduling with parameters fitted to your own reviews${fit?.applied ? ` on ${dateOf(fit.fittedAt)} (${fit.reviewCount.toLocaleString()} reviews)` : ''}.`
          : 'Scheduling with the default FSRS-6 parameters, fitted to millions of other learners’ reviews.'}{' '}
        Optimising fits them to how you remember, on this device, and keeps them only if they predict your reviews better.
      </p>
      {fit && (
        <p className="muted">
          Last run {dateOf(fit.fittedAt)} over {fit.reviewCount.toLocaleString()} reviews: log loss {fit.before.logLoss.toFixed(4)} → {fit.after.logLoss.toFixed(4)}, RMSE{' '}
          {percent(fit.before.rmse)} → {percent(fit.after.rmse)} ({fit.applied ? 'applied' : 'kept the current ones'}).
        </p>
      )}
      {suggestion && !running && <p>{suggestion} Optimising now is worthwhile.</p>}
      {running ? (
        <div className="stack" role="status" aria-live="polite">
          <label>
            <span>
              {STAGE_LABEL[running.stage]}
              {running.stage === 'fitting' ? ` — ${elapsed} s` : running.total ? ` — ${running.done.toLocaleString()} of ${running.total.toLocaleString()}` : ''}
            </span>
            {running.stage === 'fitting' ? <progress aria-label="Optimising" /> : <progress aria-label="Optimising" max={Math.max(1, running.total)} value={Math.min(running.done, running.total)} />}
          </label>
          <div className="actions">
            <button type="button" onClick={() => run.current?.cancel()}>Cancel</button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <button type="button" className="primary" onClick={() => void optimise()} disabled={!loaded}>
            Optimise parameters
          </button>
          {personal && (
            <button type="button" onClick={() => void backToDefaults()}>
              Reset to default parameters
            </button>
          )}
        </div>
      )}
      {message && (
        <div role={message.alert ? 'alert' : 'status'} className={message.alert ? 'alert' : undefined}>
          <p>{message.text}</p>
          {message.details && message.details.length > 0 && <ul>{message.details.map((d) => <li key={d}>{d}</li>)}</ul>}
        </div>
      )}
    </section>
  );
}
