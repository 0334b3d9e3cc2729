/**
 * A tiny real HTTP server on 127.0.0.1 that records every request and answers with canned bytes —
 * including the broken answers a client must survive: connection reset, a body cut short, a reply
 * that never comes.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as a form. */
  form: URLSearchParams;
}

export type RawReply =
  | { kind?: 'reply'; status?: number; body?: string | Buffer; headers?: Record<string, string> }
  /** Read the request, then destroy the connection without a byte of reply. */
  | { kind: 'reset' }
  /** Announce `declaredLength` bytes, send `body`, then destroy the connection. */
  | { kind: 'truncate'; body: string; declaredLength: number }
  /** Never answer (until the server closes). */
  | { kind: 'hang' };

export interface RawServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** `replies` is a function of the request, or a list used in turn (its last entry repeats). */
export async function startRawServer(replies: RawReply[] | ((request: RecordedRequest, index: number) => RawReply)): Promise<RawServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const request: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, form: new URLSearchParams(body) };
      const index = requests.push(request) - 1;
      const reply = typeof replies === 'function' ? replies(request, index) : (replies[Math.min(index, replies.length - 1)] ?? { body: '' });
      switch (reply.kind) {
        case 'reset':
          req.socket.destroy();
          return;
        case 'hang':
          return;
        case 'truncate':
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(reply.declaredLength) });
          res.write(reply.body, () => req.socket.destroy());
          return;
        default: {
          const bytes = typeof reply.body === 'string' ? Buffer.from(reply.body) : (reply.body ?? Buffer.alloc(0));
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(bytes.length), ...reply.headers });
          res.end(bytes);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A base URL on which nothing listens: connections are refused. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
