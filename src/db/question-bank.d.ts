declare module 'virtual:question-bank' {
  const bank: { version: string; questions: import('../core/bank/question.ts').Question[] };
  export default bank;
}
