import { useMemo } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { Link } from 'react-router';
import { useServices, useSettings } from '../../ui/app-context.tsx';
import { formatPercent } from '../../ui/format.ts';
import { TECHNOLOGY_LABELS, type Technology } from '../../core/bank/question.ts';
import { masteryBy, type GroupMastery } from '../../core/mastery/mastery.ts';
import { dateKeyToDayStart } from '../../core/scheduling/day.ts';

export default function ProgressScreen() {
  const { db, bank, now } = useServices();
  const { settings } = useSettings();
  const cards = useLiveQuery(() => db.cards.toArray(), [db]);
  const at = now();
  const interviewAt = settings.interviewDate ? dateKeyToDayStart(settings.interviewDate, settings.dayStartHour) : null;

  const view = useMemo(() => {
    if (!cards) return null;
    const topicOf = (c: { questionId: string }) => {
      const q = bank.byId.get(c.questionId);
      return q ? `${q.technology}|${q.topic}` : undefined;
    };
    const techOf = (c: { questionId: string }) => bank.byId.get(c.questionId)?.technology;
    const levelOf = (c: { questionId: string }) => bank.byId.get(c.questionId)?.level;
    return {
      topics: masteryBy(cards, topicOf, at),
      technologies: masteryBy(cards, techOf, at),
      levels: masteryBy(cards, levelOf, at),
      readiness: interviewAt && interviewAt > at ? masteryBy(cards, topicOf, interviewAt) : null,
    };
  }, [cards, bank, at, interviewAt]);

  if (!view) return <p role="status">Computing your mastery…</p>;
  return (
    <section aria-labelledby="progress-heading" className="stack">
      <h1 id="progress-heading">Progress</h1>
      <MasteryTable caption="Mastery by technology" rows={view.technologies} label={(k) => TECHNOLOGY_LABELS[k as Technology] ?? k} />
      <MasteryTable
        caption="Mastery by topic (weakest first)"
        rows={view.topics}
        label={(k) => {
          const [tech, topic] = k.split('|') as [Technology, string];
          return (
            <Link to={`/library?technology=${tech}&topic=${encodeURIComponent(topic)}`}>
              {TECHNOLOGY_LABELS[tech]} · {topic}
            </Link>
          );
        }}
      />
      <MasteryTable caption="Mastery by level" rows={view.levels} label={(k) => k[0]!.toUpperCase() + k.slice(1)} />
      {view.readiness && (
        <MasteryTable
          caption={`Predicted recall on your interview day (${settings.interviewDate}) if you stop reviewing now`}
          rows={view.readiness}
          label={(k) => k.split('|').join(' · ')}
        />
      )}
    </section>
  );
}

function MasteryTable({ caption, rows, label }: { caption: string; rows: GroupMastery[]; label: (key: string) => React.ReactNode }) {
  return (
    <table className="mastery">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Group</th>
          <th scope="col">Mastery</th>
          <th scope="col">Coverage</th>
          <th scope="col">New</th>
          <th scope="col">Learning</th>
          <th scope="col">Review</th>
          <th scope="col">Suspended</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{label(r.key)}</th>
            <td>
              <span className="bar" aria-hidden="true"><span style={{ width: formatPercent(r.mastery) }} /></span>
              {formatPercent(r.mastery)}
            </td>
            <td>{formatPercent(r.coverage)}</td>
            <td>{r.counts.new}</td>
            <td>{r.counts.learning}</td>
            <td>{r.counts.review}</td>
            <td>{r.counts.suspended}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
