import * as v from 'valibot';
import { describeIssues, type ValidationResult } from './bank/question.ts';

const step = v.pipe(
  v.string(),
  v.trim(),
  v.regex(/^[1-9]\d{0,3}[mhd]$/, 'each step is a whole number followed by m, h or d, e.g. 10m'),
);

/** Every setting the learner can change, with the ranges the app accepts. */
export const SettingsSchema = v.object({
  desiredRetention: v.pipe(
    v.number('Desired retention must be a number'),
    v.minValue(0.7, 'Desired retention must be at least 70%'),
    v.maxValue(0.97, 'Desired retention must be at most 97%'),
  ),
  maximumIntervalDays: v.pipe(
    v.number('Maximum interval must be a number'),
    v.integer('Maximum interval must be a whole number of days'),
    v.minValue(1, 'Maximum interval must be at least 1 day'),
    v.maxValue(36500, 'Maximum interval must be at most 36,500 days'),
  ),
  learningSteps: v.pipe(v.array(step), v.maxLength(10, 'Use at most 10 learning steps')),
  relearningSteps: v.pipe(v.array(step), v.maxLength(10, 'Use at most 10 relearning steps')),
  dayStartHour: v.pipe(
    v.number('Day start must be a number'),
    v.integer('Day start must be a whole hour'),
    v.minValue(0, 'Day start must be between 0 and 23'),
    v.maxValue(23, 'Day start must be between 0 and 23'),
  ),
  newPerDay: v.pipe(
    v.number('New cards per day must be a number'),
    v.integer('New cards per day must be a whole number'),
    v.minValue(0, 'New cards per day cannot be negative'),
    v.maxValue(9999, 'New cards per day must be at most 9,999'),
  ),
  reviewsPerDay: v.pipe(
    v.number('Reviews per day must be a number'),
    v.integer('Reviews per day must be a whole number'),
    v.minValue(1, 'Reviews per day must be at least 1'),
    v.maxValue(99999, 'Reviews per day must be at most 99,999'),
  ),
  /** Local calendar date "YYYY-MM-DD" of the learner's interview, or null. */
  interviewDate: v.nullable(v.pipe(v.string(), v.isoDate('Interview date must be a date (YYYY-MM-DD)'))),
  theme: v.picklist(['system', 'light', 'dark'], 'Theme must be system, light or dark'),
  typeAnswerFirst: v.boolean(),
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
  interviewDate: null,
  theme: 'system',
  typeAnswerFirst: false,
};

export function validateSettings(input: unknown): ValidationResult<Settings> {
  const result = v.safeParse(SettingsSchema, input);
  return result.success ? { ok: true, value: result.output } : { ok: false, errors: describeIssues(result.issues) };
}

/** Stored settings merged over the defaults; anything invalid falls back to its default. */
export function settingsFromStored(stored: unknown): { settings: Settings; problems: string[] } {
  if (typeof stored !== 'object' || stored === null) return { settings: DEFAULT_SETTINGS, problems: [] };
  const merged = { ...DEFAULT_SETTINGS, ...(stored as Partial<Settings>) };
  const whole = validateSettings(merged);
  if (whole.ok) return { settings: whole.value, problems: [] };
  const settings = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
  for (const key of Object.keys(DEFAULT_SETTINGS)) {
    const attempt = validateSettings({ ...DEFAULT_SETTINGS, [key]: (merged as Record<string, unknown>)[key] });
    if (attempt.ok) settings[key] = (merged as Record<string, unknown>)[key];
  }
  return { settings: settings as Settings, problems: whole.errors };
}
