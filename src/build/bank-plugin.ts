import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { compileBank, type CompiledBank } from './compile-bank.ts';
import { summarize, type Question } from '../core/bank/question.ts';

const INDEX_ID = 'virtual:question-bank-index';
const PARTS_ID = 'virtual:question-bank-parts';
const PART_PREFIX = 'virtual:question-bank-part/';

/**
 * A part holds questions up to this much JSON (a longer question has a part of its own): about
 * one question today. Small parts let a card or a question page load ~10 kB instead of the whole
 * bank (1.5 MB, which cost a phone's main thread ~1 s); grouping short questions keeps the
 * request and precache count near one per question as the bank grows.
 */
export const PART_TARGET_BYTES = 10 * 1024;

/** The bank's questions in parts of at most `target` bytes, in file order (so an edit changes one part). */
export function splitBank(questions: readonly Question[], target = PART_TARGET_BYTES): Question[][] {
  const parts: Question[][] = [];
  let current: Question[] = [];
  let size = 0;
  for (const q of questions) {
    const qSize = JSON.stringify(q).length;
    if (current.length && size + qSize > target) {
      parts.push(current);
      current = [];
      size = 0;
    }
    current.push(q);
    size += qSize;
  }
  if (current.length) parts.push(current);
  return parts;
}

/** JSON.parse of a string literal is faster to load than an object literal of the same size. */
const jsonModule = (data: unknown) => `export default JSON.parse(${JSON.stringify(JSON.stringify(data))});`;

/**
 * Compiles data/ into modules the app imports lazily, each its own content-hashed, precached
 * chunk. Any invalid file fails the build naming file and field.
 * - `virtual:question-bank-index`: ids, titles, topics, levels (what start-up, lists and
 *   scheduling need, a few kB).
 * - `virtual:question-bank-part/<n>`: the full texts of a few questions (see splitBank).
 * - `virtual:question-bank-parts`: which question is in which part, and each part's URL and
 *   loader. The search worker imports the parts by those URLs itself (the very files a card
 *   would load: one copy, one precache entry), so no full text crosses postMessage.
 */
export function questionBankPlugin(dataDir = resolve(import.meta.dirname, '../../data')): Plugin {
  let serving = false;
  let compiled: { bank: CompiledBank; parts: Question[][] } | null = null;
  // Compiled once per build, not once per part.
  const bank = () => {
    if (!compiled) {
      const bank = compileBank(dataDir);
      compiled = { bank, parts: splitBank(bank.questions) };
    }
    return compiled;
  };
  return {
    name: 'rehearse-question-bank',
    configResolved(config) {
      serving = config.command === 'serve';
    },
    buildStart() {
      compiled = null;
    },
    resolveId(id) {
      return id === INDEX_ID || id === PARTS_ID || id.startsWith(PART_PREFIX) ? `\0${id}` : undefined;
    },
    load(id) {
      if (!id.startsWith('\0virtual:question-bank')) return undefined;
      const { bank: compiledBank, parts } = bank();
      if (id === `\0${INDEX_ID}`) return jsonModule({ version: compiledBank.version, questions: compiledBank.questions.map(summarize) });
      if (id.startsWith(`\0${PART_PREFIX}`)) {
        const part = parts[Number(id.slice(PART_PREFIX.length + 1))];
        if (!part) this.error(`No bank part ${id.slice(1)}`);
        return jsonModule(part);
      }
      if (id !== `\0${PARTS_ID}`) return undefined;
      const ids = JSON.stringify(parts.map((part) => part.map((q) => q.id)));
      if (serving) {
        // The dev server (and Vitest) resolve virtual modules by name; a browser worker reaches
        // them under /@id/ (the \0 written as __x00__).
        const loaders = parts.map((_, n) => `() => import('${PART_PREFIX}${n}')`).join(',');
        const urls = JSON.stringify(parts.map((_, n) => `/@id/__x00__${PART_PREFIX}${n}`));
        return `export const ids = ${ids};\nexport const urls = ${urls};\nconst loaders = [${loaders}];\nexport const load = (n) => loaders[n]();`;
      }
      // Emitted chunks, each named by its content's hash (so an edit re-downloads one part);
      // loaded by URL (they import nothing, so no preload bookkeeping is needed). The file name
      // is set here: emitted chunks given the same `name` collapse into one.
      const urls = parts.map((part, n) => {
        const hash = createHash('sha256').update(JSON.stringify(part)).digest('base64url').slice(0, 10);
        const ref = this.emitFile({ type: 'chunk', id: `${PART_PREFIX}${n}`, fileName: `assets/question-bank-part-${hash}.js`, preserveSignature: 'exports-only' });
        return `import.meta.ROLLUP_FILE_URL_${ref}`;
      });
      return `export const ids = ${ids};\nexport const urls = [${urls.join(',')}];\nexport const load = (n) => import(/* @vite-ignore */ urls[n]);`;
    },
  };
}
