import type { DBCore, DBCoreMutateRequest, DBCoreMutateResponse, DBCoreTable, DBCoreTransaction, Middleware } from 'dexie';
import {
  chunkOfSlot,
  emptyDigestChunk,
  writeDigestEntry,
  type CardDigestChunk,
  type DigestSource,
} from '../core/mastery/card-digest.ts';
import { emptyTotalsRow, isTallied, TOTALS_BLOCK, tallyBlockOf, tallyInto, type ReviewTallyRow } from '../core/mastery/review-tally.ts';
import type { ReviewStatRow } from '../core/mastery/review-stats.ts';
import { emptyOwnSummaries, removeOwnSummaries, upsertOwnSummaries, type OwnSummaryTable, type OwnSummaryVersion } from '../core/bank/own-summaries.ts';
import { summarize, type Question } from '../core/bank/question.ts';

/**
 * Tables derived from the others and kept current inside the same transactions:
 * - cardDigest: the columnar card digest (core/mastery/card-digest.ts), for Progress and
 *   the Today line, with an allocator row (chunk -1) handing out card slots, and
 *   cardSlots: which slot each card owns;
 * - reviewTallies: review counts per quarter hour, in blocks of 8 days (core/mastery/review-tally.ts);
 * - ownSummaries: the learner's own questions without their long texts (core/bank/own-summaries.ts).
 *
 * A Dexie middleware does the upkeep, so no writer of cards or reviews (grades, undo,
 * resets, imports, merges, repairs) can forget it: every read-write transaction that
 * touches `cards`, `reviews` or `customQuestions` is widened to its derived tables, and every mutation of
 * those tables updates it before the mutation's promise settles. Schema upgrades
 * (versionchange transactions) are left alone: they rebuild the tables themselves.
 */
export const DERIVED_TABLES = {
  cardDigest: 'cardDigest',
  cardSlots: 'cardSlots',
  reviewTallies: 'reviewTallies',
  ownSummaries: 'ownSummaries',
} as const;

/** Which digest slot a card owns (kept apart from card rows, which backups and tests see whole). */
export interface CardSlotRow {
  id: string;
  slot: number;
}

export const ALLOCATOR_CHUNK = -1;
export interface SlotAllocatorRow {
  chunk: typeof ALLOCATOR_CHUNK;
  nextSlot: number;
  /** Cards stored (slots handed out minus slots freed): counting the table walks it. */
  cards: number;
}

/**
 * A first build still under way (see derived-build.ts): the rows up to `after` (in id order)
 * are counted, the rest wait for the builder. Kept in the derived table it belongs to (chunk or
 * block BUILD_CURSOR), so it is in every transaction that changes that table; absent once
 * the table is complete, which is the normal state.
 */
export const BUILD_CURSOR = -2;
export interface DigestBuildCursor {
  chunk: typeof BUILD_CURSOR;
  after: string;
  counted: number;
}
export interface TallyBuildCursor {
  block: typeof BUILD_CURSOR;
  after: string;
  counted: number;
}

const NEW_ALLOCATOR: SlotAllocatorRow = { chunk: ALLOCATOR_CHUNK, nextSlot: 0, cards: 0 };

async function loadAllocator(digest: DBCoreTable, trans: DBCoreTransaction): Promise<SlotAllocatorRow> {
  const row = (await digest.get({ trans, key: ALLOCATOR_CHUNK })) as SlotAllocatorRow | undefined;
  return { ...NEW_ALLOCATOR, ...row };
}
export type CardDigestRow = CardDigestChunk | SlotAllocatorRow | DigestBuildCursor;
export type ReviewTallyTableRow = ReviewTallyRow | TallyBuildCursor;

/** Which derived tables this connection has seen complete (a build only ever finishes). */
interface Built {
  cards: boolean;
  reviews: boolean;
}

/**
 * The last id the derived table counts while a first build runs, or null when it counts
 * every row. Writes to rows beyond it are left to the builder, which reads them as they are then.
 */
async function buildLimit(table: DBCoreTable, trans: DBCoreTransaction, built: Built, which: keyof Built): Promise<string | null> {
  if (built[which]) return null;
  const cursor = (await table.get({ trans, key: BUILD_CURSOR })) as { after: string } | undefined;
  if (!cursor) {
    built[which] = true;
    return null;
  }
  return cursor.after;
}

type ReviewLike = ReviewStatRow & { id: string };

function isUpgrade(trans: DBCoreTransaction): boolean {
  return (trans as unknown as IDBTransaction).mode === 'versionchange';
}

/** Work on one transaction's derived rows runs one step at a time (read-modify-write). */
const pending = new WeakMap<DBCoreTransaction, Promise<unknown>>();
function serial<T>(trans: DBCoreTransaction, task: () => Promise<T>): Promise<T> {
  const before = pending.get(trans) ?? Promise.resolve();
  const next = before.then(task, task);
  pending.set(trans, next.catch(() => undefined));
  return next;
}

const ANY_RANGE_TYPE = 3; // DBCoreRangeType.Any (a const enum Dexie does not export at run time)

function succeeded(res: DBCoreMutateResponse, i: number): boolean {
  return !res.failures[i];
}

async function clearTable(table: DBCoreTable, trans: DBCoreTransaction): Promise<void> {
  await table.mutate({ type: 'deleteRange', trans, range: { type: ANY_RANGE_TYPE, lower: undefined, upper: undefined } });
}

/** Brings chunks in, lets `edit` change them, writes the changed ones back. */
async function editChunks(
  digest: DBCoreTable,
  trans: DBCoreTransaction,
  slots: Iterable<number>,
  edit: (chunkFor: (slot: number) => CardDigestChunk) => void,
): Promise<void> {
  const wanted = [...new Set([...slots].map(chunkOfSlot))];
  if (!wanted.length) return;
  const found = (await digest.getMany({ trans, keys: wanted })) as (CardDigestChunk | undefined)[];
  const chunks = new Map<number, CardDigestChunk>();
  wanted.forEach((n, i) => chunks.set(n, found[i] ?? emptyDigestChunk(n)));
  edit((slot) => chunks.get(chunkOfSlot(slot))!);
  await digest.mutate({ type: 'put', trans, values: [...chunks.values()], keys: [...chunks.keys()] });
}

/** Frees the slots of deleted cards. */
async function releaseSlots(down: DBCore, trans: DBCoreTransaction, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const slotTable = down.table(DERIVED_TABLES.cardSlots);
  const owned = ((await slotTable.getMany({ trans, keys: ids })) as (CardSlotRow | undefined)[]).filter((r): r is CardSlotRow => !!r);
  if (!owned.length) return;
  const digest = down.table(DERIVED_TABLES.cardDigest);
  await editChunks(digest, trans, owned.map((r) => r.slot), (chunkFor) => owned.forEach((r) => writeDigestEntry(chunkFor(r.slot), r.slot, null)));
  await slotTable.mutate({ type: 'delete', trans, keys: owned.map((r) => r.id) });
  const allocator = await loadAllocator(digest, trans);
  allocator.cards = Math.max(0, allocator.cards - owned.length);
  await digest.mutate({ type: 'put', trans, values: [allocator], keys: [ALLOCATOR_CHUNK] });
}

async function mutateCards(down: DBCore, cards: DBCoreTable, req: DBCoreMutateRequest, built: Built): Promise<DBCoreMutateResponse> {
  const trans = req.trans;
  const digest = down.table(DERIVED_TABLES.cardDigest);
  const slotTable = down.table(DERIVED_TABLES.cardSlots);
  if (req.type === 'deleteRange') {
    if (req.range.type === ANY_RANGE_TYPE) {
      const res = await cards.mutate(req);
      await Promise.all([clearTable(digest, trans), clearTable(slotTable, trans)]);
      return res;
    }
    const { result } = await cards.query({ trans, query: { index: cards.schema.primaryKey, range: req.range }, values: false });
    const res = await cards.mutate(req);
    await releaseSlots(down, trans, result as string[]);
    return res;
  }
  if (req.type === 'delete') {
    const res = await cards.mutate(req);
    await releaseSlots(down, trans, (req.keys as string[]).filter((_, i) => succeeded(res, i)));
    return res;
  }
  // add / put: each card keeps the slot it owns; a new card gets the next one.
  const res = await cards.mutate(req);
  const limit = await buildLimit(digest, trans, built, 'cards');
  const written = (req.values as DigestSource[]).filter((c, i) => succeeded(res, i) && (limit === null || c.id <= limit));
  if (!written.length) return res;
  const owned = (await slotTable.getMany({ trans, keys: written.map((c) => c.id) })) as (CardSlotRow | undefined)[];
  let allocator: SlotAllocatorRow | null = null;
  const slots: number[] = [];
  const newSlots: CardSlotRow[] = [];
  for (let i = 0; i < written.length; i++) {
    let slot = owned[i]?.slot;
    if (slot === undefined) {
      allocator ??= await loadAllocator(digest, trans);
      slot = allocator.nextSlot++;
      allocator.cards++;
      newSlots.push({ id: written[i]!.id, slot });
    }
    slots.push(slot);
  }
  await editChunks(digest, trans, slots, (chunkFor) => written.forEach((c, i) => writeDigestEntry(chunkFor(slots[i]!), slots[i]!, c)));
  if (allocator) {
    await digest.mutate({ type: 'put', trans, values: [allocator], keys: [ALLOCATOR_CHUNK] });
    await slotTable.mutate({ type: 'put', trans, values: newSlots, keys: newSlots.map((r) => r.id) });
  }
  return res;
}

/** Applies log entries to their days' rows (sign 1 adds, -1 removes). */
async function editTallies(tallies: DBCoreTable, trans: DBCoreTransaction, changes: { review: ReviewLike; sign: 1 | -1 }[]): Promise<void> {
  const counted = changes.filter(({ review }) => isTallied(review));
  if (!counted.length) return;
  const blocks = [...new Set(counted.map(({ review }) => tallyBlockOf(review.reviewedAt)))];
  const found = (await tallies.getMany({ trans, keys: [TOTALS_BLOCK, ...blocks] })) as (ReviewTallyRow | undefined)[];
  const totals = found[0] ?? emptyTotalsRow();
  const rows = new Map<number, ReviewTallyRow>();
  blocks.forEach((block, i) => found[i + 1] && rows.set(block, found[i + 1]!));
  for (const { review, sign } of counted) tallyInto(rows, totals, review, sign);
  await tallies.mutate({ type: 'put', trans, values: [totals, ...rows.values()], keys: [TOTALS_BLOCK, ...rows.keys()] });
}

async function mutateReviews(down: DBCore, reviews: DBCoreTable, req: DBCoreMutateRequest, built: Built): Promise<DBCoreMutateResponse> {
  const trans = req.trans;
  const tallies = down.table(DERIVED_TABLES.reviewTallies);
  const edit = async (changes: { review: ReviewLike; sign: 1 | -1 }[]) => {
    const limit = await buildLimit(tallies, trans, built, 'reviews');
    await editTallies(tallies, trans, limit === null ? changes : changes.filter(({ review }) => review.id <= limit));
  };
  if (req.type === 'deleteRange') {
    if (req.range.type === ANY_RANGE_TYPE) {
      const res = await reviews.mutate(req);
      await clearTable(tallies, trans);
      return res;
    }
    const { result } = await reviews.query({ trans, query: { index: reviews.schema.primaryKey, range: req.range }, values: true });
    const res = await reviews.mutate(req);
    await edit((result as ReviewLike[]).map((review) => ({ review, sign: -1 as const })));
    return res;
  }
  if (req.type === 'delete') {
    const existing = (await reviews.getMany({ trans, keys: req.keys })) as (ReviewLike | undefined)[];
    const res = await reviews.mutate(req);
    await edit(existing.flatMap((review, i) => (review && succeeded(res, i) ? [{ review, sign: -1 as const }] : [])));
    return res;
  }
  // A put may replace a stored review (whose tally comes out); an add never does, so a grade skips the read.
  const existing =
    req.type === 'put'
      ? ((await reviews.getMany({ trans, keys: req.keys ?? req.values.map((v: ReviewLike) => v.id) })) as (ReviewLike | undefined)[])
      : [];
  const res = await reviews.mutate(req);
  const changes: { review: ReviewLike; sign: 1 | -1 }[] = [];
  req.values.forEach((review: ReviewLike, i) => {
    if (!succeeded(res, i)) return;
    if (existing[i]) changes.push({ review: existing[i]!, sign: -1 });
    changes.push({ review, sign: 1 });
  });
  await edit(changes);
  return res;
}

const OWN_SUMMARY_KEY = 'own';

async function mutateOwnQuestions(down: DBCore, questions: DBCoreTable, req: DBCoreMutateRequest, _built: Built): Promise<DBCoreMutateResponse> {
  const trans = req.trans;
  const summaries = down.table(DERIVED_TABLES.ownSummaries);
  let removed: string[] = [];
  let written: Question[] = [];
  let clear = false;
  if (req.type === 'deleteRange') {
    clear = req.range.type === ANY_RANGE_TYPE;
    if (!clear) removed = (await questions.query({ trans, query: { index: questions.schema.primaryKey, range: req.range }, values: false })).result as string[];
  }
  const res = await questions.mutate(req);
  if (req.type === 'delete') removed = (req.keys as string[]).filter((_, i) => succeeded(res, i));
  if (req.type === 'add' || req.type === 'put') written = (req.values as Question[]).filter((_, i) => succeeded(res, i));
  if (!clear && !removed.length && !written.length) return res;
  const [stored, storedVersion] = (await summaries.getMany({ trans, keys: [OWN_SUMMARY_KEY, 'version'] })) as [
    OwnSummaryTable | undefined,
    OwnSummaryVersion | undefined,
  ];
  const table: OwnSummaryTable = clear ? emptyOwnSummaries() : (stored ?? emptyOwnSummaries());
  if (removed.length) removeOwnSummaries(table, removed);
  if (written.length) upsertOwnSummaries(table, written.map(summarize));
  const version: OwnSummaryVersion = { key: 'version', version: (storedVersion?.version ?? 0) + 1 };
  await summaries.mutate({ type: 'put', trans, values: [table, version], keys: [OWN_SUMMARY_KEY, 'version'] });
  return res;
}

export const derivedTablesMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'DerivedTables',
  create(down) {
    const has = (name: string) => down.schema.tables.some((t) => t.name === name);
    const digestReady = has(DERIVED_TABLES.cardDigest);
    const talliesReady = has(DERIVED_TABLES.reviewTallies);
    const summariesReady = has(DERIVED_TABLES.ownSummaries);
    const wrapped = new Map<string, DBCoreTable>();
    const built: Built = { cards: false, reviews: false };
    return {
      transaction(stores, mode, options) {
        if (mode === 'readwrite') {
          const extra: string[] = [];
          if (digestReady && stores.includes('cards') && !stores.includes(DERIVED_TABLES.cardDigest)) {
            extra.push(DERIVED_TABLES.cardDigest, DERIVED_TABLES.cardSlots);
          }
          if (talliesReady && stores.includes('reviews') && !stores.includes(DERIVED_TABLES.reviewTallies)) extra.push(DERIVED_TABLES.reviewTallies);
          if (summariesReady && stores.includes('customQuestions') && !stores.includes(DERIVED_TABLES.ownSummaries)) extra.push(DERIVED_TABLES.ownSummaries);
          if (extra.length) stores = [...stores, ...extra];
        }
        return down.transaction(stores, mode, options);
      },
      table(name) {
        const table = down.table(name);
        const upkeep =
          name === 'cards' && digestReady
            ? mutateCards
            : name === 'reviews' && talliesReady
              ? mutateReviews
              : name === 'customQuestions' && summariesReady
                ? mutateOwnQuestions
                : null;
        if (!upkeep) return table;
        let w = wrapped.get(name);
        if (!w) {
          w = {
            ...table,
            mutate: (req) => (isUpgrade(req.trans) ? table.mutate(req) : serial(req.trans, () => upkeep(down, table, req, built))),
          };
          wrapped.set(name, w);
        }
        return w;
      },
    };
  },
};
