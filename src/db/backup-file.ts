import { MAX_BACKUP_BYTES, MAX_BACKUP_TEXT_BYTES, isGzip } from '../core/backup/backup-format.ts';
import { formatBytes, tooLargeMessage } from '../core/backup/parse-backup.ts';

/**
 * Backup files as the browser sees them: gzip-compressed with the platform's CompressionStream
 * (no library), read back whether compressed or not. The text goes through in pieces both ways,
 * so a large collection is never held as several whole copies.
 */

export interface MadeFile {
  blob: Blob;
  /** False where the browser cannot compress: the file is then plain JSON. */
  compressed: boolean;
}

const encoder = new TextEncoder();

/** The backup's text pieces as a file: gzip where the browser can, plain JSON otherwise. */
export async function makeBackupFile(pieces: Iterable<string>): Promise<MadeFile> {
  if (typeof CompressionStream !== 'function') {
    return { blob: new Blob([...pieces], { type: 'application/json' }), compressed: false };
  }
  const gzip = new CompressionStream('gzip');
  // Read while writing: the stream only takes more text once its output has been drained.
  const output = collect(gzip.readable);
  const writer = gzip.writable.getWriter();
  try {
    for (const piece of pieces) {
      await writer.ready;
      void writer.write(encoder.encode(piece)).catch(() => undefined);
    }
    await writer.close();
  } catch (error) {
    await writer.abort(error).catch(() => undefined);
    throw error;
  }
  return { blob: new Blob(await output, { type: 'application/gzip' }), compressed: true };
}

async function collect(stream: ReadableStream<Uint8Array>, maxBytes = Infinity): Promise<Uint8Array<ArrayBuffer>[]> {
  const reader = stream.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    chunks.push(value as Uint8Array<ArrayBuffer>);
  }
}

class TooLarge extends Error {}

export interface ReadLimits {
  /** The largest compressed file. */
  fileBytes: number;
  /** The most text, plain or unpacked. */
  textBytes: number;
}

const LIMITS: ReadLimits = { fileBytes: MAX_BACKUP_BYTES, textBytes: MAX_BACKUP_TEXT_BYTES };

export type ReadResult = { ok: true; text: string; compressed: boolean } | { ok: false; error: string };

const NOT_A_BACKUP = 'This file is not a Rehearse backup';

/**
 * A chosen file's JSON text. Gzip is recognised by its first two bytes, not the file's name.
 * A compressed file may be at most MAX_BACKUP_BYTES and unpack to at most MAX_BACKUP_TEXT_BYTES;
 * a plain one may be MAX_BACKUP_TEXT_BYTES. Never throws: a problem comes back as a message.
 */
export async function readBackupFile(file: Blob, limits: ReadLimits = LIMITS): Promise<ReadResult> {
  const { fileBytes, textBytes } = limits;
  let compressed: boolean;
  try {
    compressed = isGzip(new Uint8Array(await file.slice(0, 2).arrayBuffer()));
  } catch (error) {
    return { ok: false, error: unreadable(error) };
  }
  if (!compressed) {
    if (file.size > textBytes) return { ok: false, error: tooLargeMessage(textBytes, file.size) };
    try {
      return { ok: true, text: await file.text(), compressed };
    } catch (error) {
      return { ok: false, error: unreadable(error) };
    }
  }
  if (file.size > fileBytes) return { ok: false, error: tooLargeMessage(fileBytes, file.size) };
  if (typeof DecompressionStream !== 'function') {
    return { ok: false, error: 'This browser cannot unpack compressed backups (.json.gz). Open the file in a current browser, or unpack it first and import the .json file.' };
  }
  let chunks: Uint8Array<ArrayBuffer>[];
  try {
    chunks = await collect(bytesOf(file).pipeThrough(new DecompressionStream('gzip')), textBytes);
  } catch (error) {
    if (error instanceof TooLarge) {
      return { ok: false, error: `${NOT_A_BACKUP}: unpacked, it is more than the ${formatBytes(textBytes)} a backup can be.` };
    }
    return { ok: false, error: `${NOT_A_BACKUP}: it is a damaged compressed (gzip) file and could not be unpacked.` };
  }
  // Decoded piece by piece, and each piece let go: the bytes and the text are not all held twice.
  const decoder = new TextDecoder();
  const parts: string[] = [];
  for (let i = 0; i < chunks.length; i++) {
    parts.push(decoder.decode(chunks[i], { stream: true }));
    chunks[i] = EMPTY;
  }
  parts.push(decoder.decode());
  return { ok: true, text: parts.join(''), compressed };
}

const EMPTY = new Uint8Array(0);

/** The file as a byte stream; jsdom's (and old Safari's) Blob has no stream(). */
function bytesOf(file: Blob): ReadableStream<Uint8Array<ArrayBuffer>> {
  if (typeof file.stream === 'function') return file.stream();
  return new ReadableStream({
    async start(controller) {
      controller.enqueue(new Uint8Array(await file.arrayBuffer()));
      controller.close();
    },
  });
}

function unreadable(error: unknown): string {
  return `The file could not be read (${(error as Error)?.name ?? 'error'}). Choose it again.`;
}
