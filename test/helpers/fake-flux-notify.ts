// A real HTTP server standing in for Flux Notify (and webhook receivers): records every request,
// answers incidents with ids, and fails on demand (HTTP 503, or closed so connections are refused).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  raw: string;
  /** The status the stand-in answered. */
  status: number;
}

export class FakeFluxNotify {
  readonly requests: RecordedRequest[] = [];
  /** 'up' answers; 'unavailable' answers 503. */
  mode: 'up' | 'unavailable' = 'up';
  /** Answers each request only after this long (a Flux Notify that is slow or hangs). */
  holdMs = 0;
  private server: http.Server | undefined;
  private nextIncident = 1;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Incidents created (one per distinct idempotency key, as a receiver that dedupes would count). */
  get incidents(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/api/incidents' && r.status === 201);
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        let body: Record<string, unknown>;
        try { body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {}; } catch { body = {}; }
        const record = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, raw, status: 0 } as RecordedRequest;
        this.requests.push(record);
        const send = (status: number, payload: unknown) => {
          record.status = status;
          const answer = () => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
          if (this.holdMs > 0) setTimeout(answer, this.holdMs);
          else answer();
        };
        if (this.mode === 'unavailable') return send(503, { error: 'maintenance' });
        if (req.method === 'POST' && req.url === '/api/incidents') return send(201, { id: `INC-${this.nextIncident++}`, status: 'open' });
        if (req.method === 'POST' && /^\/api\/incidents\/[^/]+\/resolve$/.test(req.url ?? '')) return send(200, { status: 'resolved' });
        return send(200, { ok: true });
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening: connections are refused until start() again (same port). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

