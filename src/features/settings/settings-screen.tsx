import { runWrite } from '../../ui/write-failures.tsx';
import { useState, type FormEvent } from 'react';
import { useServices, useSettings } from '../../db/hooks/services.tsx';
import { updateSettings } from '../../db/settings-repo.ts';
import type { Settings } from '../../core/settings.ts';
import { DeviceSection } from './device-section.tsx';
import { BackupSection } from './backup-section.tsx';
import { ParametersSection } from './parameters-section.tsx';
import { RetentionSection } from './retention-section.tsx';
import { SyncSection } from './sync-section.tsx';
import { useLeaveGuard } from '../../ui/leave-guard.ts';
import { SettingsProblems } from '../../ui/settings-problems.tsx';

interface Draft {
  retentionPercent: string;
  newPerDay: string;
  reviewsPerDay: string;
  learnAheadMinutes: string;
  dayStartHour: string;
  learningSteps: string;
  relearningSteps: string;
  maximumIntervalDays: string;
  interviewDate: string;
  typeAnswerFirst: boolean;
}

function toDraft(s: Settings): Draft {
  return {
    retentionPercent: String(Math.round(s.desiredRetention * 100)),
    newPerDay: String(s.newPerDay),
    reviewsPerDay: String(s.reviewsPerDay),
    learnAheadMinutes: String(s.learnAheadMinutes),
    dayStartHour: String(s.dayStartHour),
    learningSteps: s.learningSteps.join(' '),
    relearningSteps: s.relearningSteps.join(' '),
    maximumIntervalDays: String(s.maximumIntervalDays),
    interviewDate: s.interviewDate ?? '',
    typeAnswerFirst: s.typeAnswerFirst,
  };
}

const numberOrNaN = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
const steps = (text: string) => text.split(/[\s,]+/).filter(Boolean);

export default function SettingsScreen() {
  const { db } = useServices();
  const { settings, loaded, problems } = useSettings();
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);

  // Reset the form only when the stored settings really change (other rows of the same
  // table, such as metadata, change often and must not wipe what the learner is typing).
  // Adjusted during render, not in an effect, so no frame ever shows the enabled form
  // holding the defaults instead of what was stored.
  const storedKey = JSON.stringify(settings);
  const [draftFrom, setDraftFrom] = useState<string | null>(null);
  if (loaded && draftFrom !== storedKey) {
    setDraftFrom(storedKey);
    setDraft(toDraft(settings));
  }

  const unsaved = loaded && JSON.stringify(draft) !== JSON.stringify(toDraft(settings));
  useLeaveGuard(unsaved, 'Your settings changes are not saved. Leave and lose them?');

  const field = (key: keyof Draft) => ({
    value: draft[key] as string,
    onChange: (e: { target: { value: string } }) => {
      setSaved(false);
      setDraft({ ...draft, [key]: e.target.value });
    },
  });

  async function save(event: FormEvent) {
    event.preventDefault();
    const result = await runWrite('Your settings', () => updateSettings(db, {
      desiredRetention: numberOrNaN(draft.retentionPercent) / 100,
      newPerDay: numberOrNaN(draft.newPerDay),
      reviewsPerDay: numberOrNaN(draft.reviewsPerDay),
      learnAheadMinutes: numberOrNaN(draft.learnAheadMinutes),
      dayStartHour: numberOrNaN(draft.dayStartHour),
      learningSteps: steps(draft.learningSteps),
      relearningSteps: steps(draft.relearningSteps),
      maximumIntervalDays: numberOrNaN(draft.maximumIntervalDays),
      interviewDate: draft.interviewDate || null,
      typeAnswerFirst: draft.typeAnswerFirst,
    }));
    // A refused write has its message on screen; the form keeps what was typed.
    if (!result) return setSaved(false);
    // The saved form is what was stored ("1m, 10m" reads back as "1m 10m"), so it is no longer unsaved.
    if (result.ok) setDraft(toDraft(result.value));
    setErrors(result.ok ? [] : result.errors.map((e) => e.replace(/^[\w.]+: /, '')));
    setSaved(result.ok);
  }

  async function setTheme(theme: Settings['theme']) {
    await runWrite('The theme', () => updateSettings(db, { theme }));
  }

  return (
    <section aria-labelledby="settings-heading" className="stack">
      <h1 id="settings-heading">Settings</h1>
      <SettingsProblems problems={problems} fixHint="Saving the form below stores the values it shows." />
      <form onSubmit={save} className="stack settings-form" noValidate>
        {/* Until the stored settings arrive, typing would be overwritten by them: not editable yet. */}
        <fieldset disabled={!loaded}>
          <legend>Scheduling</legend>
          <label>
            <span>Desired retention (%)</span>
            <input type="number" inputMode="numeric" min={70} max={97} step={1} {...field('retentionPercent')} />
            <small>Higher retention means you forget less but review more often: 95% costs roughly twice the reviews of 90%.</small>
          </label>
          <label>
            <span>New cards per day</span>
            <input type="number" inputMode="numeric" min={0} {...field('newPerDay')} />
          </label>
          <label>
            <span>Maximum reviews per day</span>
            <input type="number" inputMode="numeric" min={1} {...field('reviewsPerDay')} />
          </label>
          <label>
            <span>Study day starts at (hour, 0–23)</span>
            <input type="number" inputMode="numeric" min={0} max={23} {...field('dayStartHour')} />
            <small>Reviews before this hour count for the previous day.</small>
          </label>
          <label>
            <span>Learning steps</span>
            <input type="text" {...field('learningSteps')} aria-describedby="steps-help" />
          </label>
          <label>
            <span>Relearning steps</span>
            <input type="text" {...field('relearningSteps')} aria-describedby="steps-help" />
            <small id="steps-help">Space-separated, e.g. “1m 10m”: a new or forgotten card returns after each step before graduating.</small>
          </label>
          <label>
            <span>Learn ahead limit (minutes)</span>
            <input type="number" inputMode="numeric" min={0} max={720} {...field('learnAheadMinutes')} />
            <small>When nothing else is left, a learning card due within this time is shown early instead of ending the session.</small>
          </label>
          <label>
            <span>Maximum interval (days)</span>
            <input type="number" inputMode="numeric" min={1} {...field('maximumIntervalDays')} />
          </label>
          <label>
            <span>Interview date</span>
            <input type="date" {...field('interviewDate')} />
            <small>While a date is set, a studied card whose next review would fall after it comes back the day before instead.</small>
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.typeAnswerFirst}
              onChange={(e) => {
                setSaved(false);
                setDraft({ ...draft, typeAnswerFirst: e.target.checked });
              }}
            />
            <span>Type my answer before revealing the model answer</span>
          </label>
        </fieldset>
        {errors.length > 0 && (
          <div role="alert" className="alert">
            <p>Nothing was saved:</p>
            <ul>{errors.map((e) => <li key={e}>{e}</li>)}</ul>
          </div>
        )}
        {saved && <p role="status">Settings saved. They apply from the next card.</p>}
        {unsaved && <p className="muted">You have unsaved changes.</p>}
        <div className="actions">
          <button type="submit" className="primary" disabled={!loaded}>Save settings</button>
        </div>
      </form>
      <fieldset>
        <legend>Theme</legend>
        <div className="segmented">
          {(['system', 'light', 'dark'] as const).map((theme) => (
            <label key={theme} className="check">
              <input type="radio" name="theme" checked={settings.theme === theme} onChange={() => void setTheme(theme)} />
              <span className="capitalize">{theme}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <ParametersSection />
      <RetentionSection formUnsaved={unsaved} />
      <BackupSection />
      <SyncSection />
      <DeviceSection />
    </section>
  );
}
