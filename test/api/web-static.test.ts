// The server's side of the web UI: index.html at / and for any page path (the SPA routes in the
// browser), hashed assets cached for a year, /api keeping its JSON 404, a plain message when the
// UI is not built.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tempDir } from '../helpers/processes.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

describe('serving the web UI', () => {
  let t: TestApp;
  let bare: TestApp;
  before(async () => {
    const root = tempDir('webroot');
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id="app"></div><script type="module" src="/assets/index-abc123.js"></script>');
    writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log("app")');
    t = await createTestApp({ app: { webRoot: root } });
    bare = await createTestApp({ app: { webRoot: tempDir('webroot-empty') } });
  });
  after(async () => {
    await t.close();
    await bare.close();
  });

  it('answers index.html at / and at any page path, never cached, under the strict CSP', async () => {
    for (const url of ['/', '/agents/LOCAL', '/results?type=probe', '/settings/tokens']) {
      const res = await t.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.match(res.body, /<div id="app">/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(res.headers['content-security-policy'] as string, /script-src 'self';/);
    }
  });

  it('serves hashed assets with a year-long immutable cache', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /javascript/);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await t.app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode, 404);
  });

  it('keeps the JSON 404 for unknown API paths and other methods', async () => {
    for (const url of ['/api/no/such/thing', '/api']) {
      const res = await t.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().error, 'not_found');
    }
    assert.equal((await t.app.inject({ method: 'POST', url: '/agents' })).statusCode, 404);
  });

  it('says how to build the UI when it is not built', async () => {
    const res = await bare.app.inject({ method: 'GET', url: '/dashboard' });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /npm run build:web/);
  });
});
