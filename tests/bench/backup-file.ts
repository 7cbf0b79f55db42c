import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** How small gzip (level 1, fast) makes a file: what a compressed backup format would weigh. */
export async function gzipSize(path: string): Promise<{ bytes: number }> {
  let bytes = 0;
  await pipeline(
    createReadStream(path),
    createGzip({ level: 1 }),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    }),
  );
  return { bytes };
}

/**
 * A copy of an exported backup keeping only its first reviews, so it fits under `maxBytes`.
 * Relies on the export's layout (src/core/backup/backup-format.ts serializeBackup): one row a
 * line, each table opening with a `"<table>":[` line. Returns how many reviews were kept.
 */
export async function trimBackupReviews(from: string, to: string, maxBytes: number): Promise<{ kept: number; of: number; bytes: number }> {
  const total = statSync(from).size;
  let reviewBytes = 0;
  let reviews = 0;
  await eachLine(from, (line, table) => {
    if (table === 'reviews' && line.startsWith('{')) {
      reviews++;
      reviewBytes += Buffer.byteLength(line) + 1;
    }
  });
  const room = maxBytes * 0.97 - (total - reviewBytes);
  const keep = Math.max(0, Math.min(reviews, Math.floor((room / reviewBytes) * reviews)));
  const out = createWriteStream(to);
  let seen = 0;
  await eachLine(from, (line, table) => {
    if (table === 'reviews' && line.startsWith('{')) {
      seen++;
      if (seen > keep) return;
      // The last kept row ends the list: no comma after it.
      const row = seen === keep && line.endsWith(',') ? line.slice(0, -1) : line;
      out.write(`${row}\n`);
      return;
    }
    out.write(`${line}\n`);
  });
  out.end();
  await once(out, 'finish');
  return { kept: keep, of: reviews, bytes: statSync(to).size };
}

async function eachLine(path: string, visit: (line: string, table: string | null) => void): Promise<void> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let table: string | null = null;
  for await (const line of lines) {
    const opening = /^"(\w+)":\[/.exec(line);
    if (opening) {
      table = opening[1]!;
      visit(line, null);
      continue;
    }
    visit(line, table);
  }
}
