import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { MeasurementResult } from '../measurements/job.js';

export interface OutboxEntry {
  seq: number;
  run_id: string;
  result: MeasurementResult;
  stored_at: string;
}

const FILE = /^(\d{12})-([0-9a-f-]{36})\.json$/;

/**
 * The agent's on-disk result buffer. A result is written (and fsynced) here before it is sent,
 * and removed only when the server has acknowledged it: a crash, a restart or a server outage
 * loses nothing. Entries are read back in the order they were written.
 */
export class Outbox {
  private readonly dir: string;
  private nextSeq = 1;
  /** File names, oldest first (kept in memory: the directory is only ever changed by this class). */
  private names: string[];
  /** Results dropped because the buffer was full (oldest first), reported in heartbeats. */
  dropped = 0;

  constructor(dataDir: string, private readonly maxEntries: number) {
    this.dir = path.join(dataDir, 'outbox');
    mkdirSync(this.dir, { recursive: true });
    for (const name of readdirSync(this.dir)) if (name.endsWith('.tmp')) rmSync(path.join(this.dir, name), { force: true });
    this.names = readdirSync(this.dir).filter((name) => FILE.test(name)).sort();
    const last = this.names.at(-1);
    if (last) this.nextSeq = Number(FILE.exec(last)![1]) + 1;
  }

  private files(): string[] {
    return this.names;
  }

  get size(): number {
    return this.files().length;
  }

  has(runId: string): boolean {
    return this.files().some((name) => name.endsWith(`-${runId}.json`));
  }

  put(runId: string, result: MeasurementResult): void {
    if (this.has(runId)) return;
    const files = this.files();
    for (const name of files.slice(0, Math.max(0, files.length - this.maxEntries + 1))) {
      rmSync(path.join(this.dir, name), { force: true });
      this.dropped++;
    }
    this.names = this.names.slice(Math.max(0, files.length - this.maxEntries + 1));
    const seq = this.nextSeq++;
    const entry: OutboxEntry = { seq, run_id: runId, result, stored_at: new Date().toISOString() };
    const name = `${String(seq).padStart(12, '0')}-${runId}.json`;
    const tmp = path.join(this.dir, `${name}.tmp`);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(entry));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path.join(this.dir, name));
    this.names.push(name);
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }

  /** Entries oldest first. A corrupt file (a crash mid-write before rename cannot make one) is skipped and removed. */
  entries(): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const name of [...this.files()]) {
      try {
        out.push(JSON.parse(readFileSync(path.join(this.dir, name), 'utf8')) as OutboxEntry);
      } catch {
        rmSync(path.join(this.dir, name), { force: true });
        this.names = this.names.filter((n) => n !== name);
      }
    }
    return out;
  }

  remove(runId: string): void {
    const suffix = `-${runId}.json`;
    for (const name of this.names.filter((n) => n.endsWith(suffix))) rmSync(path.join(this.dir, name), { force: true });
    this.names = this.names.filter((n) => !n.endsWith(suffix));
  }
}
