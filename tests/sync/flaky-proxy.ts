import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small HTTP proxy in front of a real pouchdb-server that the test tells how to misbehave,
 * the way a broken reverse proxy or a flaky network does: refuse connections, answer with an
 * HTML 502 page, cut a body short, answer late, or send JSON of the wrong shape.
 */
export type Fault =
  | { kind: 'none' }
  | { kind: 'down' }
  | { kind: 'html-502' }
  | { kind: 'truncate' }
  | { kind: 'delay'; ms: number }
  | { kind: 'wrong-shape' }
  /** Accepts the request and never answers (no status, no byte), as a hung server or proxy does. */
  | { kind: 'silent' };

export interface FlakyProxy {
  url: string;
  fault: Fault;
  /** Which requests the fault applies to (default: everything but signing in). */
  affects: (req: IncomingMessage) => boolean;
  /**
   * Requests seen; for each `_changes` answer passed through, how many changes it held; for each
   * `_bulk_get` or `_all_docs` answer, how many documents; for a live feed (streamed as it comes),
   * how many heartbeats (lone newlines) went through.
   */
  log: { method: string; path: string; status: number; changes?: number; docs?: number; heartbeats?: number }[];
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const upstream = new URL(target);
  const proxy: FlakyProxy = {
    url: '',
    fault: { kind: 'none' },
    affects: (req) => !req.url!.startsWith('/_session'),
    log: [],
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
  const server: Server = createServer((req, res) => {
    const fault = proxy.affects(req) ? proxy.fault : ({ kind: 'none' } as const);
    const entry: FlakyProxy['log'][number] = { method: req.method!, path: req.url!, status: 0 };
    proxy.log.push(entry);
    if (fault.kind === 'down') {
      // As if nothing listened: the connection closes without an answer.
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'silent') {
      // Read the request, then nothing: the client waits until it gives up (or the proxy closes).
      req.resume();
      return;
    }
    if (fault.kind === 'html-502') {
      entry.status = 502;
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>');
      req.resume();
      return;
    }
    const forward = () => {
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host, 'accept-encoding': 'identity' } },
        (answer) => {
          const chunks: Buffer[] = [];
          if (req.url!.includes('feed=longpoll') && proxy.fault.kind !== 'truncate' && proxy.fault.kind !== 'wrong-shape') {
            // A live feed passes through as it comes, so the server's heartbeats reach the client.
            entry.status = answer.statusCode!;
            entry.heartbeats = 0;
            res.writeHead(answer.statusCode!, answer.headers);
            answer.on('data', (c: Buffer) => {
              if (c.toString().trim() === '') entry.heartbeats!++;
              res.write(c);
            });
            answer.on('end', () => res.end());
            return;
          }
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            let body = Buffer.concat(chunks);
            entry.status = answer.statusCode!;
            const headers = { ...answer.headers };
            delete headers['content-length'];
            delete headers['transfer-encoding'];
            if (req.url!.includes('/_changes') && answer.statusCode === 200) {
              try {
                entry.changes = (JSON.parse(body.toString()) as { results: unknown[] }).results.length;
              } catch {
                // a heartbeat-only or streamed answer: not counted
              }
            }
            if ((req.url!.includes('/_bulk_get') || req.url!.includes('/_all_docs')) && answer.statusCode === 200) {
              try {
                const data = JSON.parse(body.toString()) as { results?: { docs: { ok?: unknown }[] }[]; rows?: { doc?: unknown }[] };
                entry.docs = data.results ? data.results.reduce((n, r) => n + r.docs.filter((d) => d.ok).length, 0) : (data.rows ?? []).filter((r) => r.doc).length;
              } catch {
                // not JSON: not counted
              }
            }
            // Faults that spoil an answer apply to answers that come back after they were set.
            const late = proxy.affects(req) ? proxy.fault : fault;
            if (late.kind === 'truncate' && body.length > 2) body = body.subarray(0, Math.floor(body.length / 2));
            if (late.kind === 'wrong-shape' && answer.statusCode === 200) body = Buffer.from(JSON.stringify({ results: 'not a list', rows: 7, ok: 'maybe' }));
            res.writeHead(answer.statusCode!, { ...headers, 'content-length': String(body.length) });
            res.end(body);
          });
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    };
    if (fault.kind === 'delay') setTimeout(forward, fault.ms);
    else forward();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

/**
 * What a browser's cookie jar does for the app in a page: keeps the CouchDB session cookie
 * (`AuthSession`) from `Set-Cookie` and sends it back. Node's fetch keeps no cookies.
 */
export function installCookieJar(): { clear(): void; restore(): void } {
  const realFetch = globalThis.fetch;
  // One cookie per host and port, as each test's proxy is a server of its own.
  const cookies = new Map<string, string>();
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const host = new URL(input instanceof Request ? input.url : String(input)).host;
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const cookie = cookies.get(host);
    if (cookie && init?.credentials === 'include') headers.set('Cookie', cookie);
    const response = await realFetch(input, { ...init, headers });
    const session = response.headers.get('set-cookie')?.match(/AuthSession=([^;]*)/);
    if (session) {
      if (session[1]) cookies.set(host, `AuthSession=${session[1]}`);
      else cookies.delete(host);
    }
    return response;
  };
  return {
    clear: () => cookies.clear(),
    restore: () => {
      globalThis.fetch = realFetch;
    },
  };
}
