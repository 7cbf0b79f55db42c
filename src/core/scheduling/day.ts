/**
 * Study-day arithmetic in the learner's local time zone. A study day runs from
 * `dayStartHour` to the same hour next day, so late-night reviews count for the
 * day they belong to. Built from local calendar fields, so days around a
 * daylight-saving change are 23 or 25 hours long, as the learner lives them.
 */
export interface DayBounds {
  start: number;
  end: number;
}

export function studyDay(now: number, dayStartHour: number): DayBounds {
  const d = new Date(now);
  let start = new Date(d.getFullYear(), d.getMonth(), d.getDate(), dayStartHour).getTime();
  if (start > now) {
    start = new Date(d.getFullYear(), d.getMonth(), d.getDate() - 1, dayStartHour).getTime();
  }
  const s = new Date(start);
  const end = new Date(s.getFullYear(), s.getMonth(), s.getDate() + 1, dayStartHour).getTime();
  return { start, end };
}

/** Start of the study day `offset` days after the one containing `now`. */
export function studyDayStart(now: number, dayStartHour: number, offset = 0): number {
  const s = new Date(studyDay(now, dayStartHour).start);
  return new Date(s.getFullYear(), s.getMonth(), s.getDate() + offset, dayStartHour).getTime();
}

/** Local calendar date "YYYY-MM-DD" of the study day containing `time`. */
export function studyDateKey(time: number, dayStartHour: number): string {
  const s = new Date(studyDay(time, dayStartHour).start);
  return localDateKey(s.getTime());
}

export function localDateKey(time: number): string {
  const d = new Date(time);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Epoch ms of the study day that begins on local date "YYYY-MM-DD" (or `offsetDays` calendar days from it). */
export function dateKeyToDayStart(dateKey: string, dayStartHour: number, offsetDays = 0): number {
  const [y, m, d] = dateKey.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + offsetDays, dayStartHour).getTime();
}
