import { useCallback, useMemo, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuestions } from '../../db/hooks/questions.ts';
import { useServices, useSettings } from '../../db/hooks/services.tsx';
import { formatDuration, formatPercent, preparingProgressText } from '../../ui/format.ts';
import { masteryReports, type GroupMastery, type QuestionLookup, type TopicMastery } from '../../core/mastery/mastery.ts';
import { interviewStatus, reviewsScheduledBefore } from '../../core/mastery/readiness.ts';
import { dueForecast } from '../../core/mastery/forecast.ts';
import { digestCards } from '../../core/mastery/card-digest.ts';
import { reviewStatistics, type Retention, type ReviewStatistics } from '../../core/mastery/review-stats.ts';
import { RATINGS, RATING_NAMES } from '../../core/scheduling/fsrs.ts';
import { useProgressData } from './use-progress-data.ts';
import { InterviewPanel } from './interview-panel.tsx';
import { CalendarHeatmap, DailyBarChart, StackedBar, formatDateKey } from './charts.tsx';
import { drillPath, levelLabel, levelOrder, libraryPath, technologyLabel, technologyOrder } from './links.ts';

export default function ProgressScreen() {
  const { byId } = useQuestions();
  const { settings, loaded } = useSettings();
  const load = useProgressData(settings.dayStartHour, loaded);
  // Grouping goes through a lookup, so the learner's own questions can join the bank's.
  const lookup: QuestionLookup = useCallback((id) => byId.get(id), [byId]);
  const data = load.status === 'ready' ? load.data : null;
  const tallies = load.status === 'ready' ? load.tallies : null;
  const cards = useMemo(() => (data ? digestCards(data.digest) : null), [data]);

  const status = useMemo(
    () => (data ? interviewStatus(settings.interviewDate, data.at, settings.dayStartHour) : null),
    [data, settings.interviewDate, settings.dayStartHour],
  );
  const interviewStart = status?.kind === 'upcoming' ? status.dayStart : null;
  const mastery = useMemo(() => {
    if (!data || !cards) return null;
    const [now, onTheDay] = masteryReports(cards, lookup, interviewStart === null ? [data.at] : [data.at, interviewStart]);
    return {
      now: now!,
      onTheDay: onTheDay ?? null,
      scheduledBefore: interviewStart === null ? null : reviewsScheduledBefore(cards, interviewStart),
    };
  }, [data, cards, lookup, interviewStart]);
  const forecast = useMemo(
    () => (data && cards ? dueForecast(cards, data.at, settings.dayStartHour, 30) : null),
    [data, cards, settings.dayStartHour],
  );
  const reviews = useMemo(
    () => (data && tallies ? reviewStatistics(tallies, data.at, settings.dayStartHour) : null),
    [data, tallies, settings.dayStartHour],
  );

  if (load.status === 'failed') return <p role="alert" className="alert">{load.message}</p>;
  if (load.status === 'building') return <Preparing cards={load.build.cards} reviews={load.build.reviews} />;
  if (!data || !mastery || !forecast || !status) return <p role="status">Computing your progress…</p>;

  const { now } = mastery;
  if (now.overall.coverage === 0) return <NothingYet />;
  const technologies = [...now.technologies].sort((a, b) => technologyOrder(a.key, b.key));
  const levels = [...now.levels].sort((a, b) => levelOrder(a.key, b.key));
  return (
    <section aria-labelledby="progress-heading" className="stack progress">
      <h1 id="progress-heading">Progress</h1>
      <dl className="summary" aria-label="Overview">
        <div><dt>Mastery</dt><dd>{formatPercent(now.overall.mastery)}</dd></div>
        <div><dt>Coverage</dt><dd>{formatPercent(now.overall.coverage)}</dd></div>
        <div><dt>Current streak</dt><dd>{reviews ? streakText(reviews.streaks.current, reviews.streaks.currentMayBeLonger) : '…'}</dd></div>
        <div><dt>Due today</dt><dd>{forecast[0]?.due ?? 0}</dd></div>
      </dl>
      <p className="muted">
        Mastery is how much you would recall right now: the average chance of recalling each active card (a card you have
        not studied counts as 0). Coverage is the share of active cards you have studied.
      </p>

      <InterviewPanel
        interviewDate={settings.interviewDate}
        status={status}
        now={now}
        onTheDay={mastery.onTheDay}
        scheduledBefore={mastery.scheduledBefore}
      />

      <section aria-labelledby="mastery-heading" className="stack progress-panel">
        <h2 id="mastery-heading">Mastery</h2>
        <MasteryTable caption="By technology" heading="Technology" rows={technologies} label={(g) => technologyLabel(g.key)} />
        <MasteryTable caption="By level" heading="Level" rows={levels} label={(g) => levelLabel(g.key)} />
      </section>

      <section aria-labelledby="topics-heading" className="stack progress-panel">
        <h2 id="topics-heading">Topics, weakest first</h2>
        {technologies.map((tech) => (
          <TopicTable key={tech.key} technology={tech.key} topics={now.topics.filter((t) => t.technology === tech.key)} />
        ))}
      </section>

      <Statistics reviews={reviews} forecast={forecast} counts={now.overall.counts} />
    </section>
  );
}

function streakText(days: number, mayBeLonger: boolean): string {
  return `${days}${mayBeLonger ? '+' : ''} day${days === 1 && !mayBeLonger ? '' : 's'}`;
}

function Meter({ share }: { share: number }) {
  return (
    <>
      <span className="bar" aria-hidden="true"><span style={{ width: formatPercent(share) }} /></span>
      {formatPercent(share)}
    </>
  );
}

function countsText(g: GroupMastery): string {
  const c = g.counts;
  return `${c.new} new · ${c.learning} learning · ${c.review} review · ${c.suspended} suspended`;
}

function MasteryTable(props: { caption: string; heading: string; rows: GroupMastery[]; label: (g: GroupMastery) => ReactNode }) {
  return (
    <table className="progress-table">
      <caption>{props.caption}</caption>
      <thead>
        <tr><th scope="col">{props.heading}</th><th scope="col">Mastery</th><th scope="col">Coverage</th></tr>
      </thead>
      <tbody>
        {props.rows.map((g) => (
          <tr key={g.key}>
            <th scope="row">
              {props.label(g)}
              <small className="counts-line">{countsText(g)}</small>
            </th>
            <td><Meter share={g.mastery} /></td>
            <td>{formatPercent(g.coverage)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TopicTable({ technology, topics }: { technology: string; topics: TopicMastery[] }) {
  return (
    <table className="progress-table">
      <caption>{technologyLabel(technology)}</caption>
      <thead>
        <tr>
          <th scope="col">Topic</th>
          <th scope="col">Mastery</th>
          <th scope="col">Coverage</th>
          <th scope="col"><span className="visually-hidden">Practice</span></th>
        </tr>
      </thead>
      <tbody>
        {topics.map((t) => (
          <tr key={t.key}>
            <th scope="row">
              <Link to={libraryPath(t)}>{t.topic}</Link>
              <small className="counts-line">{countsText(t)}</small>
            </th>
            <td><Meter share={t.mastery} /></td>
            <td>{formatPercent(t.coverage)}</td>
            <td>
              <Link className="drill-link" to={drillPath(t)} aria-label={`Drill ${t.topic}`}>Drill</Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function retentionText(r: Retention): string {
  return r.share === null ? '—' : formatPercent(r.share);
}

function Statistics(props: { reviews: ReviewStatistics | null; forecast: { key: string; due: number }[]; counts: GroupMastery['counts'] }) {
  const { reviews, forecast, counts } = props;
  const due7 = forecast.slice(0, 7).reduce((s, d) => s + d.due, 0);
  const due30 = forecast.reduce((s, d) => s + d.due, 0);
  return (
    <section aria-labelledby="stats-heading" className="stack progress-panel">
      <h2 id="stats-heading">Statistics</h2>
      <h3>Due in the next 30 days</h3>
      <DailyBarChart
        bars={forecast.map((d) => ({ key: d.key, value: d.due }))}
        firstLabel="Today"
        caption={`${forecast[0]?.due ?? 0} due today (overdue included), ${due7} in the next 7 days, ${due30} in the next 30 days.`}
        tableCaption="Cards due per day"
        valueHeading="Cards due"
        format={(n) => String(n)}
      />

      <h3>Cards by state</h3>
      <dl className="summary">
        <div><dt>New</dt><dd>{counts.new}</dd></div>
        <div><dt>Learning</dt><dd>{counts.learning}</dd></div>
        <div><dt>Review</dt><dd>{counts.review}</dd></div>
        <div><dt>Suspended</dt><dd>{counts.suspended}</dd></div>
      </dl>

      {reviews ? <ReviewHistory reviews={reviews} /> : <p role="status">Counting your reviews of the last 12 months…</p>}
    </section>
  );
}

function ReviewHistory({ reviews }: { reviews: ReviewStatistics }) {
  const busiest = reviews.days.reduce<{ key: string; count: number } | null>((best, d) => (d.count > (best?.count ?? 0) ? d : best), null);
  const totalTime = reviews.timePerDay.reduce((s, d) => s + d.durationMs, 0);
  const daysWithTime = reviews.timePerDay.filter((d) => d.durationMs > 0).length;
  const { streaks, grades } = reviews;
  return (
    <>
      <h3>Reviews over the last 12 months</h3>
      <dl className="summary">
        <div><dt>Current streak</dt><dd>{streakText(streaks.current, streaks.currentMayBeLonger)}</dd></div>
        <div><dt>Longest streak (past year)</dt><dd>{streakText(streaks.longest, streaks.longestMayBeLonger)}</dd></div>
      </dl>
      <CalendarHeatmap
        days={reviews.days}
        caption={
          reviews.reviewsInYear
            ? `${reviews.reviewsInYear} review${reviews.reviewsInYear === 1 ? '' : 's'} on ${reviews.daysStudied} of the last 365 days. ` +
              `Busiest day: ${formatDateKey(busiest!.key)} with ${busiest!.count}.`
            : 'No reviews in the last 365 days yet.'
        }
      />

      <h3>True retention</h3>
      <dl className="summary" aria-describedby="retention-help">
        <div><dt>Last 7 days</dt><dd>{retentionText(reviews.retention.last7)}</dd></div>
        <div><dt>Last 30 days</dt><dd>{retentionText(reviews.retention.last30)}</dd></div>
        <div><dt>Last 365 days</dt><dd>{retentionText(reviews.retention.last365)}</dd></div>
      </dl>
      <p id="retention-help" className="muted">
        Share of reviews of cards already in the review state that were not graded Again. Your desired retention is the target.
      </p>

      <h3>Time spent, last 30 days</h3>
      <DailyBarChart
        bars={reviews.timePerDay.map((d) => ({ key: d.key, value: d.durationMs }))}
        firstLabel={undefined}
        caption={
          totalTime
            ? `${formatDuration(totalTime)} in total, ${formatDuration(totalTime / daysWithTime)} on an average study day.`
            : 'No time logged in the last 30 days.'
        }
        tableCaption="Time spent per day"
        valueHeading="Time"
        format={formatDuration}
      />

      <h3>Grades, last 365 days</h3>
      {grades.total > 0 && (
        <StackedBar segments={RATINGS.map((r) => ({ label: RATING_NAMES[r], share: grades.shares[r - 1]!, className: `seg-${r}` }))} />
      )}
      <table className="progress-table grades-table">
        <caption className="visually-hidden">Grades over the last 365 days</caption>
        <thead>
          <tr><th scope="col">Grade</th><th scope="col">Reviews</th><th scope="col">Share</th></tr>
        </thead>
        <tbody>
          {RATINGS.map((r) => (
            <tr key={r}>
              <th scope="row"><span className={`swatch seg-${r}`} aria-hidden="true" />{RATING_NAMES[r]}</th>
              <td>{grades.counts[r - 1]}</td>
              <td>{grades.total ? formatPercent(grades.shares[r - 1]!) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Before the first grade every table would read 0 %: say instead what this page will show. */
/** The first build of the progress tables after an update, which runs in the background. */
function Preparing({ cards, reviews }: { cards: number; reviews: number }) {
  return (
    <section aria-labelledby="progress-heading" className="stack progress">
      <h1 id="progress-heading">Progress</h1>
      <p role="status">{preparingProgressText(cards, reviews)}</p>
      <p><Link to="/">Review meanwhile</Link></p>
    </section>
  );
}

function NothingYet() {
  return (
    <section aria-labelledby="progress-heading" className="stack progress">
      <h1 id="progress-heading">Progress</h1>
      <div className="done">
        <p><strong>Nothing to show yet: you have not studied a card.</strong></p>
        <p>
          After your first reviews this page shows how much you would recall now per technology, topic and level, how
          ready you are for an interview date, a calendar of your study days, your true retention, time spent and grades.
        </p>
        <p><Link to="/">Start with today’s cards</Link></p>
      </div>
    </section>
  );
}
