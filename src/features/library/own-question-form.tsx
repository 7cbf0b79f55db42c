import { runWrite } from '../../ui/write-failures.tsx';
import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useServices } from '../../db/hooks/services.tsx';
import { useQuestion, useQuestions } from '../../db/hooks/questions.ts';
import { LEVELS, TECHNOLOGIES, TECHNOLOGY_LABELS, type Level, type Question, type Technology } from '../../core/bank/question.ts';
import { createOwnQuestion, updateOwnQuestion, type OwnQuestionInput } from '../../db/library-repo.ts';

interface Draft {
  title: string; technology: string; level: string; topic: string; difficulty: string; tags: string;
  answer: string; keyPoints: string; deepExplanation: string; realWorldExample: string;
  commonMistakes: string; productionScenario: string; followUps: string;
}

const EMPTY: Draft = {
  title: '', technology: 'python', level: 'intermediate', topic: '', difficulty: '5', tags: '', answer: '',
  keyPoints: '', deepExplanation: '', realWorldExample: '', commonMistakes: '', productionScenario: '', followUps: '',
};

const lines = (text: string) => text.split('\n').map((l) => l.replace(/^\s*[-*]\s+/, '').trim()).filter(Boolean);

function toDraft(q: Question): Draft {
  return {
    title: q.title, technology: q.technology, level: q.level, topic: q.topic, difficulty: String(q.difficulty),
    tags: q.tags.join(', '), answer: q.answer, keyPoints: q.keyPoints.join('\n'), deepExplanation: q.deepExplanation,
    realWorldExample: q.realWorldExample, commonMistakes: q.commonMistakes.join('\n'),
    productionScenario: q.productionScenario, followUps: q.followUps.join('\n'),
  };
}

function toInput(d: Draft): OwnQuestionInput {
  return {
    title: d.title, technology: d.technology as Technology, level: d.level as Level, topic: d.topic,
    difficulty: d.difficulty.trim() === '' ? Number.NaN : Number(d.difficulty),
    tags: d.tags.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean),
    answer: d.answer, keyPoints: lines(d.keyPoints), deepExplanation: d.deepExplanation,
    realWorldExample: d.realWorldExample, commonMistakes: lines(d.commonMistakes),
    productionScenario: d.productionScenario, followUps: lines(d.followUps),
  };
}

export default function OwnQuestionForm() {
  const { questionId } = useParams();
  const found = useQuestion(questionId);
  if (questionId && found === undefined) return <p role="status">Loading your question…</p>;
  if (questionId && (!found || found.source !== 'own')) {
    return <p>Only your own questions can be edited. <Link to="/library">Back to the Library</Link></p>;
  }
  // Keyed by the question: its draft starts from what is stored, and nothing loaded later can
  // overwrite what the learner has typed.
  return <QuestionForm key={found?.id ?? 'new'} editing={found ?? undefined} />;
}

function QuestionForm({ editing }: { editing: Question | undefined }) {
  const { db, now } = useServices();
  const { questions } = useQuestions();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(() => (editing ? toDraft(editing) : EMPTY));
  const [errors, setErrors] = useState<string[]>([]);
  const topics = useMemo(() => [...new Set(questions.map((q) => q.topic))].sort(), [questions]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const input = toInput(draft);
    const result = await runWrite('Your question', () =>
      editing ? updateOwnQuestion(db, editing.id, input, now()) : createOwnQuestion(db, input, now()),
    );
    // A refused write has its message on screen; the form keeps what was typed.
    if (!result) return;
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    navigate(`/library/${result.value.id}`);
  }

  const text = (key: keyof Draft, label: string, opts: { rows?: number; hint?: string } = {}) => {
    const id = `field-${key}`;
    const hintId = opts.hint ? `${id}-hint` : undefined;
    const change = (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });
    return (
      <div className="field wide">
        <label htmlFor={id}>{label}</label>
        {opts.rows ? (
          <textarea id={id} rows={opts.rows} value={draft[key]} aria-describedby={hintId} onChange={change} />
        ) : (
          <input id={id} type="text" value={draft[key]} aria-describedby={hintId} onChange={change} />
        )}
        {opts.hint && <small id={hintId}>{opts.hint}</small>}
      </div>
    );
  };

  return (
    <section aria-labelledby="form-heading" className="stack">
      <p><Link to="/library">← Library</Link></p>
      <h1 id="form-heading">{editing ? 'Edit your question' : 'New question'}</h1>
      <p className="muted">Your questions are scheduled exactly like the bank’s, and stay on this device (and in your backups). Markdown is allowed.</p>
      <form className="form-grid" onSubmit={submit} noValidate>
        {text('title', 'Question', { hint: 'As the interviewer asks it.' })}
        <label>
          <span>Technology</span>
          <select value={draft.technology} onChange={(e) => setDraft({ ...draft, technology: e.target.value })}>
            {TECHNOLOGIES.map((t) => <option key={t} value={t}>{TECHNOLOGY_LABELS[t]}</option>)}
          </select>
        </label>
        <label>
          <span>Level</span>
          <select value={draft.level} onChange={(e) => setDraft({ ...draft, level: e.target.value })}>
            {LEVELS.map((l) => <option key={l} value={l}>{l[0]!.toUpperCase() + l.slice(1)}</option>)}
          </select>
        </label>
        <label>
          <span>Topic</span>
          <input type="text" list="topic-options" value={draft.topic} onChange={(e) => setDraft({ ...draft, topic: e.target.value })} />
          <datalist id="topic-options">{topics.map((t) => <option key={t} value={t} />)}</datalist>
        </label>
        <div className="field">
          <label htmlFor="field-difficulty">Difficulty (1–10)</label>
          <input id="field-difficulty" type="number" min={1} max={10} value={draft.difficulty} aria-describedby="field-difficulty-hint"
            onChange={(e) => setDraft({ ...draft, difficulty: e.target.value })} />
          <small id="field-difficulty-hint">Beginner 1–3, intermediate 4–6, advanced 7–10.</small>
        </div>
        {text('tags', 'Tags', { hint: 'Comma-separated, optional.' })}
        {text('answer', 'Answer', { rows: 4 })}
        {text('keyPoints', 'Key points', { rows: 4, hint: 'One per line, 3 to 5.' })}
        {text('deepExplanation', 'Deep explanation', { rows: 5 })}
        {text('realWorldExample', 'Real-world example', { rows: 3 })}
        {text('commonMistakes', 'Common mistakes', { rows: 4, hint: 'One per line, at least 3: what goes wrong and why it bites.' })}
        {text('productionScenario', 'Production scenario', { rows: 3 })}
        {text('followUps', 'Follow-up questions', { rows: 3, hint: 'One per line, at least 2.' })}
        {errors.length > 0 && (
          <div role="alert" className="alert wide">
            <p>The question was not saved:</p>
            <ul>{errors.map((e) => <li key={e}>{e}</li>)}</ul>
          </div>
        )}
        <div className="actions wide">
          <button type="submit" className="primary">{editing ? 'Save changes' : 'Add question'}</button>
          <Link className="button" to={editing ? `/library/${editing.id}` : '/library'}>Cancel</Link>
        </div>
      </form>
    </section>
  );
}
