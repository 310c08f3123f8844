#!/usr/bin/env node
// Builds the web UI into web/dist. Run by `npm install` / `npm ci` (the root package's `prepare`
// script) so that `npm install && npm start` serves the UI on a fresh clone. Without Vite (an
// install that omitted dev dependencies) it leaves an existing build alone and says how to build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(path.join(root, 'package.json'));
let vite;
try {
  // vite's exports do not list its bin: find it from the package's main entry (dist/node/index.js).
  vite = path.resolve(path.dirname(require.resolve('vite')), '../../bin/vite.js');
} catch {
  const built = existsSync(path.join(root, 'web/dist/index.html'));
  console.warn(`web UI: vite is not installed (dev dependencies omitted); ${built ? 'keeping the existing web/dist' : 'the UI is not built: install dev dependencies and run npm run build:web'}`);
  process.exit(0);
}
const started = Date.now();
const result = spawnSync(process.execPath, [vite, 'build', '--config', path.join(root, 'web/vite.config.ts'), '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('web UI: build failed');
  process.exit(result.status ?? 1);
}
console.log(`web UI built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
