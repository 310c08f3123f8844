import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { MeasurementResult } from '../measurements/job.js';

export interface OutboxEntry {
  seq: number;
  run_id: string;
  result: MeasurementResult;
  stored_at: string;
}

/** A failed delete (a broken disk) must not stop the agent; the file is forgotten either way. */
function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    /* nothing more to do */
  }
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
  /** Results that could not be written to disk (disk full): kept here, after the disk entries. */
  private memory: OutboxEntry[] = [];
  private writeError: string | undefined;

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
    return this.files().length + this.memory.length;
  }

  has(runId: string): boolean {
    return this.files().some((name) => name.endsWith(`-${runId}.json`)) || this.memory.some((e) => e.run_id === runId);
  }

  /** Run ids of the buffered results, oldest first. */
  runIds(): string[] {
    return [...this.names.map((name) => FILE.exec(name)![2]!), ...this.memory.map((e) => e.run_id)];
  }

  put(runId: string, result: MeasurementResult): void {
    if (this.has(runId)) return;
    const files = this.files();
    const excess = Math.max(0, files.length + this.memory.length - this.maxEntries + 1);
    for (let i = 0; i < excess; i++) {
      // Oldest first: the disk entries are older than the ones held in memory.
      if (this.names.length > 0) removeQuietly(path.join(this.dir, this.names.shift()!));
      else this.memory.shift();
      this.dropped++;
    }
    const seq = this.nextSeq++;
    const entry: OutboxEntry = { seq, run_id: runId, result, stored_at: new Date().toISOString() };
    const name = `${String(seq).padStart(12, '0')}-${runId}.json`;
    const tmp = path.join(this.dir, `${name}.tmp`);
    try {
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify(entry));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path.join(this.dir, name));
    } catch (error) {
      // Disk full or read-only: keep the result in memory (it survives anything but a restart of
      // the agent) and say so in the health figures; never crash over it.
      removeQuietly(tmp);
      this.writeError = `cannot write ${this.dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
      this.memory.push(entry);
      return;
    }
    this.names.push(name);
    try {
      const dirFd = openSync(this.dir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    } catch {
      /* the rename is done; a failed directory fsync only weakens durability on power loss */
    }
  }

  /** Why the buffer cannot be written to disk (until a write succeeds again), else undefined. */
  get bufferError(): string | undefined {
    if (!this.writeError) return undefined;
    return this.memory.length > 0 ? `${this.writeError} (${this.memory.length} results held in memory only)` : this.writeError;
  }

  /** While writes fail, tries a small write so the error clears once the disk has room again. */
  recheck(): void {
    if (!this.writeError) return;
    const probe = path.join(this.dir, '.write-check.tmp');
    try {
      const fd = openSync(probe, 'w', 0o600);
      try {
        writeSync(fd, 'x'.repeat(4096));
      } finally {
        closeSync(fd);
      }
      removeQuietly(probe);
      // Move what was held in memory to disk, oldest first.
      const held = this.memory;
      this.memory = [];
      this.writeError = undefined;
      for (const entry of held) this.put(entry.run_id, entry.result);
    } catch {
      removeQuietly(probe);
    }
  }

  /** Entries on disk oldest first, then those held in memory. A corrupt file (a crash mid-write before rename cannot make one) is skipped and removed. */
  entries(): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const name of [...this.files()]) {
      try {
        out.push(JSON.parse(readFileSync(path.join(this.dir, name), 'utf8')) as OutboxEntry);
      } catch {
        removeQuietly(path.join(this.dir, name));
        this.names = this.names.filter((n) => n !== name);
      }
    }
    return [...out, ...this.memory];
  }

  remove(runId: string): void {
    const suffix = `-${runId}.json`;
    for (const name of this.names.filter((n) => n.endsWith(suffix))) removeQuietly(path.join(this.dir, name));
    this.names = this.names.filter((n) => !n.endsWith(suffix));
    this.memory = this.memory.filter((e) => e.run_id !== runId);
  }
}
