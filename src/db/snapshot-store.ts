import type { SnapshotInfo } from '../core/backup/snapshot-policy.ts';
import { SNAPSHOT_SLOT, snapshotDbFor } from './snapshot-db.ts';

/** The OPFS folder; each main database has its file `<database name>.snapshot` in it. */
const OPFS_DIR = 'rehearse-snapshots';

/** Where the one snapshot's bytes and info are kept. */
export interface SnapshotStore {
  readInfo(): Promise<SnapshotInfo | null>;
  /** The backup file's bytes, or null when none is kept. */
  readBytes(): Promise<Blob | null>;
  /** Replaces the snapshot, bytes and info together. */
  write(bytes: Blob, info: SnapshotInfo): Promise<void>;
}

/**
 * The Origin Private File System where the browser offers it, a separate IndexedDB database
 * otherwise. Why OPFS first: Chromium keeps every IndexedDB database of an origin in one LevelDB
 * store, and when it finds that store corrupt it deletes it whole, so a second database goes down
 * with the main one (seen in Chromium 156: a damaged log left both `rehearse` and
 * `rehearse-snapshots` empty). OPFS files are kept elsewhere and survive that.
 */
export function snapshotStoreFor(main: { name: string }): SnapshotStore {
  let store = stores.get(main.name);
  if (!store) stores.set(main.name, (store = new FallbackStore(main.name)));
  return store;
}

const stores = new Map<string, SnapshotStore>();

function opfsOffered(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    typeof navigator.storage?.getDirectory === 'function' &&
    typeof FileSystemFileHandle !== 'undefined' &&
    'createWritable' in FileSystemFileHandle.prototype
  );
}

/** OPFS when it opens (it can be refused, e.g. in private windows), IndexedDB otherwise; decided once per page. */
class FallbackStore implements SnapshotStore {
  private chosen: Promise<SnapshotStore> | null = null;
  constructor(private readonly name: string) {}

  private store(): Promise<SnapshotStore> {
    this.chosen ??= (async () => {
      const indexed = new IndexedDbStore(this.name);
      if (!opfsOffered()) return indexed;
      try {
        const root = await navigator.storage.getDirectory();
        const dir = await root.getDirectoryHandle(OPFS_DIR, { create: true });
        return new OpfsStore(dir, `${this.name}.snapshot`);
      } catch {
        return indexed;
      }
    })();
    return this.chosen;
  }

  async readInfo() {
    return (await this.store()).readInfo();
  }
  async readBytes() {
    return (await this.store()).readBytes();
  }
  async write(bytes: Blob, info: SnapshotInfo) {
    return (await this.store()).write(bytes, info);
  }
}

class IndexedDbStore implements SnapshotStore {
  constructor(readonly name: string) {}

  async readInfo(): Promise<SnapshotInfo | null> {
    const row = await snapshotDbFor(this).info.get(SNAPSHOT_SLOT);
    if (!row) return null;
    const { slot: _slot, ...info } = row;
    return soundInfo(info);
  }

  async readBytes(): Promise<Blob | null> {
    const row = await snapshotDbFor(this).data.get(SNAPSHOT_SLOT);
    return row && typeof row.bytes?.byteLength === 'number' ? new Blob([row.bytes]) : null;
  }

  async write(bytes: Blob, info: SnapshotInfo): Promise<void> {
    const data = await bytes.arrayBuffer();
    const db = snapshotDbFor(this);
    await db.transaction('rw', db.info, db.data, async () => {
      await db.data.put({ slot: SNAPSHOT_SLOT, bytes: data });
      await db.info.put({ slot: SNAPSHOT_SLOT, ...info });
    });
  }
}

/**
 * One file: 4 bytes giving the info's length, the info as JSON, then the backup file's bytes.
 * One file so the info and the bytes are replaced together: a writable's close() swaps the whole
 * file in at once, so a crash mid-write leaves the previous snapshot.
 */
class OpfsStore implements SnapshotStore {
  constructor(
    private readonly dir: FileSystemDirectoryHandle,
    private readonly fileName: string,
  ) {}

  private async file(): Promise<File | null> {
    try {
      return await (await this.dir.getFileHandle(this.fileName)).getFile();
    } catch (error) {
      if ((error as Error)?.name === 'NotFoundError') return null;
      throw error;
    }
  }

  private async header(file: File): Promise<{ info: SnapshotInfo | null; dataStart: number }> {
    if (file.size < 4) return { info: null, dataStart: file.size };
    const length = new DataView(await file.slice(0, 4).arrayBuffer()).getUint32(0);
    const dataStart = 4 + length;
    if (dataStart > file.size) return { info: null, dataStart: file.size };
    try {
      return { info: soundInfo(JSON.parse(await file.slice(4, dataStart).text())), dataStart };
    } catch {
      return { info: null, dataStart };
    }
  }

  async readInfo(): Promise<SnapshotInfo | null> {
    const file = await this.file();
    return file ? (await this.header(file)).info : null;
  }

  async readBytes(): Promise<Blob | null> {
    const file = await this.file();
    if (!file) return null;
    return file.slice((await this.header(file)).dataStart);
  }

  async write(bytes: Blob, info: SnapshotInfo): Promise<void> {
    const head = new TextEncoder().encode(JSON.stringify(info));
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, head.byteLength);
    const handle = await this.dir.getFileHandle(this.fileName, { create: true });
    const writable = await handle.createWritable();
    try {
      await writable.write(new Blob([length, head, bytes]));
      await writable.close();
    } catch (error) {
      await writable.abort().catch(() => undefined);
      throw error;
    }
  }
}

/** The info as stored, if it is what this version writes (anything else: no snapshot to offer). */
function soundInfo(value: unknown): SnapshotInfo | null {
  const info = value as Partial<SnapshotInfo> | null;
  if (!info || typeof info !== 'object') return null;
  const numbers = [info.madeAt, info.reviews, info.cards, info.bytes];
  if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
  return {
    madeAt: info.madeAt!,
    reviews: info.reviews!,
    cards: info.cards!,
    bytes: info.bytes!,
    compressed: info.compressed === true,
    reason: info.reason === 'before-replace' || info.reason === 'before-merge' ? info.reason : 'daily',
  };
}
