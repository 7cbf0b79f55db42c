import fc from 'fast-check';

/**
 * Ways a backup (or any text file) gets damaged or crafted: cut short, bit flips, values of
 * the wrong type, absurd numbers, deep nesting and prototype-pollution keys. Each is data, so
 * fast-check can shrink a failure to the smallest damage that shows it.
 */
export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; char: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'replaceValue'; path: number; value: unknown }
  | { kind: 'rawValue'; path: number; raw: string }
  | { kind: 'pollute'; which: number; key: string }
  | { kind: 'duplicate'; path: number };

const DEEP = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const DEEP_OBJECT = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

export const hostileValue = fc.oneof(
  fc.constantFrom<unknown>(
    1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -1, 0, 0.5, 4.5, 5, 99, -0,
    '', ' ', '\u0000', '\ud800', 'x'.repeat(20_000), '<img src=x onerror=alert(1)>',
    null, true, false, [], {}, [null], { __proto__: null }, '1', 'NaN', 'Infinity',
  ),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

export const rawHostile = fc.constantFrom(
  '1e400', '-1e400', '123456789012345678901234567890123456789', '1e-400', '0.0000000000000000000000001',
  DEEP(10_000), DEEP_OBJECT(5_000), '{"__proto__":{"polluted":"yes"}}', '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '"\\u0000\\ud800"', '[' + '1,'.repeat(5000) + '1]',
);

const insertText = fc.oneof(
  fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\', '\u0000', '\uFEFF', 'null', '"__proto__":{"polluted":"yes"},', '\n', '1e400'),
  fc.string({ maxLength: 12 }),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), char: fc.string({ minLength: 1, maxLength: 1 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: insertText }),
  fc.record({ kind: fc.constant('replaceValue' as const), path: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant('rawValue' as const), path: fc.nat(), raw: rawHostile }),
  fc.record({ kind: fc.constant('pollute' as const), which: fc.nat(), key: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty') }),
  fc.record({ kind: fc.constant('duplicate' as const), path: fc.nat() }),
);

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

function position(text: string, at: number): number {
  return Math.min(text.length, Math.floor(at * text.length));
}

/** Every place in a JSON value, as paths of keys. */
function pathsOf(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...path, i], out));
  else if (value && typeof value === 'object') for (const [k, item] of Object.entries(value)) pathsOf(item, [...path, k], out);
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (!path.length) return value;
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  // defineProperty: a "__proto__" key must stay a plain own property here, as JSON.parse makes it.
  Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

function withJson(text: string, change: (data: unknown) => string): string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return text; // already broken: structural mutations have nothing to hold on to
  }
  try {
    return change(data);
  } catch {
    return text; // too deeply nested for this helper to walk: leave it as it is
  }
}

export function applyMutation(text: string, m: Mutation): string {
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, position(text, m.at));
    case 'flip': {
      const i = Math.min(position(text, m.at), Math.max(0, text.length - 1));
      return text.slice(0, i) + m.char + text.slice(i + 1);
    }
    case 'delete': {
      const i = position(text, m.at);
      return text.slice(0, i) + text.slice(i + m.length);
    }
    case 'insert': {
      const i = position(text, m.at);
      return text.slice(0, i) + m.text + text.slice(i);
    }
    case 'replaceValue':
      return withJson(text, (data) => {
        const paths = pathsOf(data);
        return JSON.stringify(setAt(data, paths[m.path % paths.length]!, m.value));
      });
    case 'rawValue':
      return withJson(text, (data) => {
        const paths = pathsOf(data);
        const marker = '@@RAW-VALUE@@';
        return JSON.stringify(setAt(data, paths[m.path % paths.length]!, marker)).replace(`"${marker}"`, () => m.raw);
      });
    case 'pollute': {
      const opens = [...text.matchAll(/\{/g)].map((match) => match.index);
      if (!opens.length) return text;
      const i = opens[m.which % opens.length]! + 1;
      return `${text.slice(0, i)}"${m.key}":{"polluted":"yes","prototype":{"polluted":"yes"}},${text.slice(i)}`;
    }
    case 'duplicate':
      return withJson(text, (data) => {
        const arrays = pathsOf(data).filter((p) => {
          let node: unknown = data;
          for (const key of p) node = (node as Record<string | number, unknown>)[key];
          return Array.isArray(node) && node.length > 0;
        });
        if (!arrays.length) return text;
        const path = arrays[m.path % arrays.length]!;
        let node: unknown = data;
        for (const key of path) node = (node as Record<string | number, unknown>)[key];
        const list = node as unknown[];
        list.push(structuredClone(list[m.path % list.length]));
        return JSON.stringify(data);
      });
  }
}

export function applyMutations(text: string, list: readonly Mutation[]): string {
  return list.reduce(applyMutation, text);
}

/** Nothing a file says may reach Object.prototype. */
export function prototypesUntouched(): boolean {
  const probe = {} as Record<string, unknown>;
  return probe.polluted === undefined && (Object.prototype as Record<string, unknown>).polluted === undefined && typeof probe.toString === 'function';
}
