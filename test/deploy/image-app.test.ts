// The flux-speed image's contents run outside Docker: the final stage's files laid out as its
// COPY/RUN lines place them, production dependencies only, started through its symlinks. A
// source file the image forgets, or a runtime import of a dev dependency, fails here.
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { Api, freePort, waitHealthy } from '../helpers/processes.js';
import { installProdDeps, layout, run } from './image-layout.js';
import { startCommand } from './stack.js';

describe('the flux-speed image’s contents, laid out and run outside Docker', () => {
  before(() => {
    installProdDeps('Dockerfile');
  });

  it('flux-speed (stage app): its default command serves the UI and the API from production dependencies only', async () => {
    const image = layout('Dockerfile', 'app');
    assert.deepEqual([...image.entrypoint, ...image.cmd], ['flux-speed-entrypoint', 'server']);
    const bin = path.join(image.root, 'usr/local/bin');
    const port = await freePort();
    // `server` needs PostgreSQL and Redis; the same image runs `all` for a look without them.
    const env = { ...image.env, PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`, DATA_DIR: path.join(image.root, 'data'), PORT: String(port), HOST: '127.0.0.1', ADMIN_PASSWORD: 'image-layout-pass', LOCAL_AGENT: '' };
    const proc = startCommand('image-app', path.join(bin, image.entrypoint[0]!), ['all'], env);
    try {
      const baseUrl = `http://127.0.0.1:${port}`;
      await waitHealthy(baseUrl, proc, 240_000);
      assert.match(proc.output(), /applied: 0001/);
      const page = await fetch(`${baseUrl}/`);
      assert.equal(page.status, 200, 'the built UI is in the image');
      assert.match(await page.text(), /<script[^>]+\/assets\//);
      const api = await Api.login(baseUrl, 'admin', 'image-layout-pass');
      assert.equal((await api.get('/api/speed/nodes')).status, 200);
      const health = await run(path.join(bin, 'flux-speed-healthcheck'), [], env);
      assert.equal(health.code, 0, health.output);
    } finally {
      await proc.stop();
    }
  });
});
