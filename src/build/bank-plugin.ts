import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { compileBank } from './compile-bank.ts';
import { summarize } from '../core/bank/question.ts';

const CONTENT_ID = 'virtual:question-bank';
const INDEX_ID = 'virtual:question-bank-index';

/**
 * Compiles data/ into two modules the app imports lazily, each its own precached chunk:
 * `virtual:question-bank-index` (ids, titles, topics, levels: what start-up, lists and
 * scheduling need, a few kB) and `virtual:question-bank` (the full texts, loaded when a
 * card or a question is shown). Any invalid file fails the build naming file and field.
 */
export function questionBankPlugin(dataDir = resolve(import.meta.dirname, '../../data')): Plugin {
  return {
    name: 'rehearse-question-bank',
    resolveId(id) {
      return id === CONTENT_ID || id === INDEX_ID ? `\0${id}` : undefined;
    },
    load(id) {
      if (id !== `\0${CONTENT_ID}` && id !== `\0${INDEX_ID}`) return undefined;
      const bank = compileBank(dataDir);
      const data = id === `\0${INDEX_ID}` ? { version: bank.version, questions: bank.questions.map(summarize) } : bank;
      // JSON.parse of a string literal is faster to load than an object literal of the same size.
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(data))});`;
    },
  };
}
