import type { Rating } from '../../core/scheduling/fsrs.ts';

export interface GradeSuggestion {
  rating: Rating;
  /** Why, in the learner's terms: "3 of 5 key points". */
  reason: string;
}

/**
 * All points hit → Good, some → Hard, none → Again; Easy is the learner's own call.
 * Nothing is suggested until the learner has ticked a point or typed an answer:
 * an untouched checklist says nothing about their recall.
 */
export function suggestGrade(ticked: number, total: number, typed: boolean, noun: string): GradeSuggestion | null {
  if (ticked === 0 && !typed) return null;
  const rating: Rating = total > 0 && ticked >= total ? 3 : ticked > 0 ? 2 : 1;
  return { rating, reason: `${ticked} of ${total} ${noun}` };
}
