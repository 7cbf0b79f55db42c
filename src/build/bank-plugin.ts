import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { compileBank } from './compile-bank.ts';

const VIRTUAL_ID = 'virtual:question-bank';
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

/**
 * Compiles data/ into a module the app imports lazily (`import('virtual:question-bank')`),
 * so the bank lands in its own chunk that the service worker precaches. Any invalid file
 * fails the build with the file and field named.
 */
export function questionBankPlugin(dataDir = resolve(import.meta.dirname, '../../data')): Plugin {
  return {
    name: 'rehearse-question-bank',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    load(id) {
      if (id !== RESOLVED_ID) return undefined;
      const bank = compileBank(dataDir);
      // JSON.parse of a string literal is faster to load than an object literal of the same size.
      return `export default JSON.parse(${JSON.stringify(JSON.stringify(bank))});`;
    },
  };
}
