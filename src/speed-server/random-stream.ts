import { randomFillSync } from 'node:crypto';
import { Readable } from 'node:stream';

/**
 * The download payload: slices of one pre-generated random buffer, so serving costs no CPU per
 * byte. Random bytes do not compress, so a compressing proxy or a modem cannot inflate the
 * figure. Each slice starts at a pseudo-random offset, so the stream is not a plain repetition of
 * the buffer either (a compressor with a window larger than the buffer would otherwise find it).
 */
const BUFFER_BYTES = 8 * 1024 * 1024;
const SLICE_BYTES = 64 * 1024;

let shared: Buffer | undefined;

/** The shared random buffer, generated on first use (8 MiB, once per process). */
export function randomBuffer(): Buffer {
  shared ??= randomFillSync(Buffer.allocUnsafe(BUFFER_BYTES));
  return shared;
}

/** A readable stream of exactly `totalBytes` incompressible bytes. */
export function randomStream(totalBytes: number): Readable {
  const buffer = randomBuffer();
  let remaining = totalBytes;
  // xorshift32: cheap, and enough to scatter slice offsets; not for anything secret.
  let state = (Math.random() * 0xffffffff) >>> 0 || 1;
  const nextOffset = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % (BUFFER_BYTES - SLICE_BYTES);
  };
  // A slice never starts near the previous one: overlapping slices would repeat the bytes just
  // sent, which a compressor's window (deflate: 32 KiB) finds.
  let previous = -Infinity;
  const nextSliceOffset = () => {
    let offset = nextOffset();
    while (Math.abs(offset - previous) < 2 * SLICE_BYTES) offset = nextOffset();
    previous = offset;
    return offset;
  };
  return new Readable({
    highWaterMark: 4 * SLICE_BYTES,
    read() {
      while (remaining > 0) {
        const n = Math.min(SLICE_BYTES, remaining);
        const offset = nextSliceOffset();
        remaining -= n;
        if (!this.push(buffer.subarray(offset, offset + n))) return;
      }
      this.push(null);
    },
  });
}
