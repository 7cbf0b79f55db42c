declare module 'virtual:question-bank-index' {
  const index: { version: string; questions: import('../core/bank/question.ts').QuestionSummary[] };
  export default index;
}

/** The bank's full texts in parts (see src/build/bank-plugin.ts). */
declare module 'virtual:question-bank-parts' {
  /** The question ids in each part, in bank order. */
  export const ids: string[][];
  /** Each part's URL, for a worker to import the same file itself. */
  export const urls: string[];
  export function load(part: number): Promise<{ default: import('../core/bank/question.ts').Question[] }>;
}
