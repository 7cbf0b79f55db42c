import type { FitScore } from '../core/scheduling/optimiser.ts';

/** What the page and the optimiser worker say to each other. */
export type ToOptimiser = {
  type: 'start';
  dbName: string;
  dayStartHour: number;
  /** East-positive minutes from UTC now (New York in winter: -300). */
  utcOffsetMinutes: number;
  /** The weights in use, or null for the defaults. */
  current: number[] | null;
  /** For the progress bar while reading (the running total the app keeps). */
  expectedReviews: number;
};

export type OptimiserStage = 'reading' | 'fitting' | 'evaluating';

export type FromOptimiser =
  | { type: 'progress'; stage: OptimiserStage; done: number; total: number }
  | { type: 'too-little'; message: string; reviewCount: number }
  | { type: 'error'; message: string }
  | {
      type: 'result';
      weights: number[];
      before: FitScore;
      after: FitScore;
      /** The new weights predict this history better (lower log loss, RMSE no worse). */
      better: boolean;
      reviewCount: number;
      advice: string | null;
    };
