import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

/** How many bytes of JSON an exported (gzip) backup unpacks to. */
export async function unpackedSize(path: string): Promise<{ bytes: number }> {
  let bytes = 0;
  await pipeline(
    createReadStream(path),
    createGunzip(),
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
 * A copy of an exported backup in which every `every`-th review has a new id, so merging it into
 * the device it came from adds that many reviews and replays their cards (a merge of the
 * unchanged file adds nothing). Relies on the export's layout (src/core/backup/write-backup.ts):
 * one row a line, each table opening with a `"<table>":[` line, a review row starting `["<id>"`.
 */
export async function withNewReviewIds(from: string, to: string, every: number): Promise<{ changed: number; of: number; bytes: number }> {
  const lines = createInterface({ input: createReadStream(from).pipe(createGunzip()), crlfDelay: Infinity });
  const gzip = createGzip();
  const written = pipeline(gzip, createWriteStream(to));
  let table: string | null = null;
  let reviews = 0;
  let changed = 0;
  for await (const line of lines) {
    const opening = /^"(\w+)":\[/.exec(line);
    if (opening) table = opening[1]!;
    let out = line;
    if (!opening && table === 'reviews' && line.startsWith('["') && reviews++ % every === 0) {
      out = `["merge-bench-${line.slice(2)}`;
      changed++;
    }
    if (!gzip.write(`${out}\n`)) await once(gzip, 'drain');
  }
  gzip.end();
  await written;
  return { changed, of: reviews, bytes: statSync(to).size };
}
