import * as v from 'valibot';
import { describeIssues, type ValidationResult } from './bank/question.ts';

const step = v.pipe(
  v.string(),
  v.trim(),
  v.regex(/^[1-9]\d{0,3}[mhd]$/, 'each step is a whole number followed by m, h or d, e.g. 10m'),
);

/**
 * "100,000". Not toLocaleString: this runs as the app starts, and a first Intl call costs a
 * phone's main thread some 100 ms (it loads the locale data).
 */
export function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function wholeNumber(label: string, min: number, max: number, unit?: 'days' | 'hour') {
  const range = `${label} must be between ${groupThousands(min)} and ${groupThousands(max)}${unit === 'days' ? ' days' : ''}`;
  return v.pipe(
    v.number(`${label} must be a number`),
    v.integer(`${label} must be a whole ${unit === 'days' ? 'number of days' : unit ?? 'number'}`),
    v.minValue(min, range),
    v.maxValue(max, range),
  );
}

function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.split('-').map(Number);
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day;
}

/** Every setting the learner can change, with the ranges the app accepts. */
export const SettingsSchema = v.object({
  desiredRetention: v.pipe(
    v.number('Desired retention must be a number'),
    v.minValue(0.7, 'Desired retention must be at least 70%'),
    v.maxValue(0.97, 'Desired retention must be at most 97%'),
  ),
  maximumIntervalDays: wholeNumber('Maximum interval', 1, 36500, 'days'),
  learningSteps: v.pipe(v.array(step), v.maxLength(10, 'Use at most 10 learning steps')),
  relearningSteps: v.pipe(v.array(step), v.maxLength(10, 'Use at most 10 relearning steps')),
  dayStartHour: wholeNumber('Day start', 0, 23, 'hour'),
  newPerDay: wholeNumber('New cards per day', 0, 9999),
  reviewsPerDay: wholeNumber('Reviews per day', 1, 99999),
  /** With nothing else left, a learning card due within this many minutes is shown early (Anki's "learn ahead limit"). */
  learnAheadMinutes: wholeNumber('Learn ahead limit', 0, 720),
  /** Local calendar date "YYYY-MM-DD" of the learner's interview, or null. */
  interviewDate: v.nullable(
    v.pipe(
      v.string(),
      v.isoDate('Interview date must be a date (YYYY-MM-DD)'),
      // isoDate checks the shape only: 2026-02-31 passes it.
      v.check(isCalendarDate, 'Interview date must be a day that exists (e.g. not 31 February)'),
    ),
  ),
  theme: v.picklist(['system', 'light', 'dark'], 'Theme must be system, light or dark'),
  typeAnswerFirst: v.boolean(),
  /** Personal FSRS-6 weights fitted to this learner's log, or null for the defaults. */
  fsrsParameters: v.nullable(
    v.pipe(
      v.array(v.pipe(v.number(), v.finite('FSRS parameters must be finite numbers'))),
      v.length(21, 'FSRS parameters must be 21 numbers (FSRS-6)'),
    ),
  ),
  /** The last optimisation: when, over how many reviews, and how both weight sets scored. */
  lastFit: v.nullable(
    v.object({
      fittedAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
      reviewCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
      applied: v.boolean(),
      before: v.object({ logLoss: v.pipe(v.number(), v.finite()), rmse: v.pipe(v.number(), v.finite()) }),
      after: v.object({ logLoss: v.pipe(v.number(), v.finite()), rmse: v.pipe(v.number(), v.finite()) }),
    }),
  ),
});

export type Settings = v.InferOutput<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  desiredRetention: 0.9,
  maximumIntervalDays: 365,
  learningSteps: ['1m', '10m'],
  relearningSteps: ['10m'],
  dayStartHour: 4,
  newPerDay: 10,
  reviewsPerDay: 200,
  learnAheadMinutes: 20,
  interviewDate: null,
  theme: 'system',
  typeAnswerFirst: false,
  fsrsParameters: null,
  lastFit: null,
};

export function validateSettings(input: unknown): ValidationResult<Settings> {
  const result = v.safeParse(SettingsSchema, input);
  return result.success ? { ok: true, value: result.output } : { ok: false, errors: describeIssues(result.issues) };
}

/** The learner's names for the settings, used when one has to be replaced by its default. */
const SETTING_LABELS: Record<keyof Settings, string> = {
  desiredRetention: 'Desired retention',
  maximumIntervalDays: 'Maximum interval',
  learningSteps: 'Learning steps',
  relearningSteps: 'Relearning steps',
  dayStartHour: 'Day start',
  newPerDay: 'New cards per day',
  reviewsPerDay: 'Reviews per day',
  learnAheadMinutes: 'Learn ahead limit',
  interviewDate: 'Interview date',
  theme: 'Theme',
  typeAnswerFirst: 'Type the answer first',
  fsrsParameters: 'FSRS parameters',
  lastFit: 'Last optimisation',
};

/** A stored value as the learner would recognise it; long ones (a list of 21 weights) are cut short. */
function shown(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function shownDefault(key: keyof Settings): string {
  const value = DEFAULT_SETTINGS[key];
  if (value === null) return 'none';
  if (Array.isArray(value)) return value.join(' ');
  return typeof value === 'string' ? value : String(value);
}

/**
 * Stored settings merged over the defaults; anything invalid falls back to its default, and each
 * fallback is named in `problems` ("Interview date: "2026-02-31" is not valid, using the default none")
 * so the learner is never left guessing. `undefined` means nothing was stored: no problem.
 */
export function settingsFromStored(stored: unknown): { settings: Settings; problems: string[] } {
  if (stored === undefined) return { settings: DEFAULT_SETTINGS, problems: [] };
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    return { settings: DEFAULT_SETTINGS, problems: [`Settings: ${shown(stored)} is not valid, using the defaults for every setting`] };
  }
  const merged = { ...DEFAULT_SETTINGS, ...(stored as Partial<Settings>) } as Record<string, unknown>;
  const whole = validateSettings(merged);
  if (whole.ok) return { settings: whole.value, problems: [] };
  const settings = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    const attempt = validateSettings({ ...DEFAULT_SETTINGS, [key]: merged[key] });
    if (attempt.ok) settings[key] = attempt.value[key];
    else problems.push(`${SETTING_LABELS[key]}: ${shown(merged[key])} is not valid, using the default ${shownDefault(key)}`);
  }
  return { settings: settings as Settings, problems };
}
