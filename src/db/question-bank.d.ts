declare module 'virtual:question-bank' {
  const bank: { version: string; questions: import('../core/bank/question.ts').Question[] };
  export default bank;
}

declare module 'virtual:question-bank-index' {
  const index: { version: string; questions: import('../core/bank/question.ts').QuestionSummary[] };
  export default index;
}
