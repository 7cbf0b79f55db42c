import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { compileBank } from './compile-bank.ts';
import { summarize } from '../core/bank/question.ts';

const CONTENT_ID = 'virtual:question-bank';
const INDEX_ID = 'virtual:question-bank-index';
const URLS_ID = 'virtual:question-bank-urls';
const IDS = [CONTENT_ID, INDEX_ID, URLS_ID];

/**
 * Compiles data/ into two modules the app imports lazily, each its own precached chunk:
 * `virtual:question-bank-index` (ids, titles, topics, levels: what start-up, lists and
 * scheduling need, a few kB) and `virtual:question-bank` (the full texts, loaded when a
 * card or a question is shown). Any invalid file fails the build naming file and field.
 *
 * `virtual:question-bank-urls` names those two chunks' URLs without loading them, so the
 * search worker can import the very files the page would (one copy, one precache entry)
 * and the page never parses or posts the full texts for search.
 */
export function questionBankPlugin(dataDir = resolve(import.meta.dirname, '../../data')): Plugin {
  let serving = false;
  return {
    name: 'rehearse-question-bank',
    configResolved(config) {
      serving = config.command === 'serve';
    },
    resolveId(id) {
      return IDS.includes(id) ? `\0${id}` : undefined;
    },
    load(id) {
      if (id === `\0${URLS_ID}`) {
        // The dev server serves a virtual module under /@id/ (its \0 written as __x00__).
        if (serving) return `export default { content: '/@id/__x00__${CONTENT_ID}', index: '/@id/__x00__${INDEX_ID}' };`;
        // An emitted chunk of a module the app also imports lazily is that same chunk.
        const content = this.emitFile({ type: 'chunk', id: CONTENT_ID });
        const index = this.emitFile({ type: 'chunk', id: INDEX_ID });
        return `export default { content: import.meta.ROLLUP_FILE_URL_${content}, index: import.meta.ROLLUP_FILE_URL_${index} };`;
      }
      if (id !== `\0${CONTENT_ID}` && id !== `\0${INDEX_ID}`) return undefined;
      const bank = compileBank(dataDir);
      const data = id === `\0${INDEX_ID}` ? { version: bank.version, questions: bank.questions.map(summarize) } : bank;
      // JSON.parse of a string literal is faster to load than an object literal of the same size.
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(data))});`;
    },
  };
}
