import { localDateKey, studyDayStart } from '../scheduling/day.ts';
import type { SchedulableCard } from './readiness.ts';

export interface ForecastDay {
  /** Local date "YYYY-MM-DD" of the study day. */
  key: string;
  start: number;
  due: number;
}

/**
 * Studied, active cards falling due on each of the next `days` study days, today first.
 * Overdue cards count today; cards due after the last day are not shown.
 */
export function dueForecast(cards: Iterable<SchedulableCard>, now: number, dayStartHour: number, days = 30): ForecastDay[] {
  const starts = Array.from({ length: days + 1 }, (_, i) => studyDayStart(now, dayStartHour, i));
  const out: ForecastDay[] = starts.slice(0, days).map((start) => ({ key: localDateKey(start), start, due: 0 }));
  const horizon = starts[days]!;
  for (const card of cards) {
    if (card.state === 0 || card.suspended || card.hidden || card.due >= horizon) continue;
    // Binary search for the last day starting at or before the due time; overdue lands on 0.
    let low = 0;
    let high = days - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= card.due) low = mid;
      else high = mid - 1;
    }
    out[low]!.due++;
  }
  return out;
}
