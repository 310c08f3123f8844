import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { randomStream } from './random-stream.js';

async function collect(bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of randomStream(bytes)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('download payload', () => {
  it('is exactly the size asked for, in every case', async () => {
    for (const bytes of [0, 1, 65_535, 65_536, 65_537, 1_000_000]) assert.equal((await collect(bytes)).length, bytes);
  });

  it('never repeats what a compressor has just seen: 12 payloads of 3 MB, none shrinks', async () => {
    // Slices start at random offsets of one buffer; two overlapping neighbours would repeat bytes
    // within deflate's 32 KiB window (this used to happen in about one payload in ten).
    for (let i = 0; i < 12; i++) {
      const payload = await collect(3_000_000);
      const compressed = deflateRawSync(payload).length;
      assert.ok(compressed >= payload.length, `payload ${i}: compressed to ${compressed} bytes`);
    }
  });
});
