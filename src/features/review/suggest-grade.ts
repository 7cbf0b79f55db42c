import type { Rating } from '../../core/scheduling/fsrs.ts';

/** All points hit → Good, some → Hard, none → Again. Easy is the learner's own call. */
export function suggestGrade(ticked: number, total: number): Rating {
  if (total > 0 && ticked >= total) return 3;
  return ticked > 0 ? 2 : 1;
}
