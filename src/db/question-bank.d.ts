declare module 'virtual:question-bank' {
  const bank: { version: string; questions: import('../core/bank/question.ts').Question[] };
  export default bank;
}

declare module 'virtual:question-bank-index' {
  const index: { version: string; questions: import('../core/bank/question.ts').QuestionSummary[] };
  export default index;
}

/** The URLs of the two chunks above, for a worker to import them itself (see src/build/bank-plugin.ts). */
declare module 'virtual:question-bank-urls' {
  const urls: { content: string; index: string };
  export default urls;
}
