import type { MemoryState } from '../scheduling/fsrs.ts';
import { dateKeyToDayStart, studyDateKey } from '../scheduling/day.ts';

/** Where the learner stands relative to the interview date in settings. */
export type InterviewStatus =
  | { kind: 'none' }
  /** `dayStart` is when the interview's study day begins; readiness is measured then. */
  | { kind: 'upcoming'; date: string; dayStart: number; daysLeft: number }
  | { kind: 'today'; date: string }
  | { kind: 'passed'; date: string };

/** Whole calendar days from one "YYYY-MM-DD" to another, immune to daylight saving. */
export function daysBetweenDateKeys(from: string, to: string): number {
  const utc = (key: string) => {
    const [y, m, d] = key.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((utc(to) - utc(from)) / 86_400_000);
}

export function interviewStatus(interviewDate: string | null, now: number, dayStartHour: number): InterviewStatus {
  if (!interviewDate) return { kind: 'none' };
  const dayStart = dateKeyToDayStart(interviewDate, dayStartHour);
  if (dayStart > now) {
    return { kind: 'upcoming', date: interviewDate, dayStart, daysLeft: daysBetweenDateKeys(studyDateKey(now, dayStartHour), interviewDate) };
  }
  return studyDateKey(now, dayStartHour) === interviewDate ? { kind: 'today', date: interviewDate } : { kind: 'passed', date: interviewDate };
}

export interface SchedulableCard extends Pick<MemoryState, 'state' | 'due'> {
  suspended: boolean;
  hidden: boolean;
}

/**
 * Studied, active cards whose next review is due before `time`: each card counts once,
 * for the review already scheduled (grading it will schedule more).
 */
export function reviewsScheduledBefore(cards: Iterable<SchedulableCard>, time: number): number {
  let count = 0;
  for (const card of cards) {
    if (card.state !== 0 && !card.suspended && !card.hidden && card.due < time) count++;
  }
  return count;
}
