import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The UI is served by the Fastify server (src/web/routes.ts): hashed files under /assets/, no
// inline scripts (the server's CSP is script-src 'self'). `npm run dev:web` proxies /api to a
// running server on FLUX_API (default http://127.0.0.1:4040).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
  server: {
    // eslint-disable-next-line no-restricted-properties -- dev-server option, not app configuration
    proxy: { '/api': { target: process.env.FLUX_API ?? 'http://127.0.0.1:4040', changeOrigin: false } },
  },
});
