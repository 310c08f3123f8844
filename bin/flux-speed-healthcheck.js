#!/usr/bin/env node
// The containers' health check: small and quick, without compiling the TypeScript sources.
//   flux-speed-healthcheck            GET http://127.0.0.1:$PORT/readyz answers 200 (server, all)
//   flux-speed-healthcheck backends   PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) answer (worker)
//   flux-speed-healthcheck agent      the agent's listener (AGENT_LISTEN) answers /speed/ping
// Exit 0 when healthy, 1 with a one-line reason otherwise.
import http from 'node:http';
import { setTimeout } from 'node:timers';

const TIMEOUT_MS = 4000;

function get(url) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { timeout: TIMEOUT_MS }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode));
    });
    request.once('timeout', () => request.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    request.once('error', reject);
  });
}

async function checkServer() {
  const port = process.env.PORT || '4040';
  const status = await get(`http://127.0.0.1:${port}/readyz`);
  if (status !== 200) throw new Error(`/readyz answered ${status}`);
}

async function checkBackends() {
  const { default: pg } = await import('pg');
  const { Redis } = await import('ioredis');
  if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  if (!process.env.REDIS_URL) throw new Error('REDIS_URL is not set');
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
  const redis = new Redis(process.env.REDIS_URL, { lazyConnect: true, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    const pong = await redis.ping();
    if (pong !== 'PONG') throw new Error(`redis answered ${pong}`);
  } finally {
    redis.disconnect();
  }
}

async function checkAgent() {
  const listen = process.env.AGENT_LISTEN ?? '0.0.0.0:4045';
  if (!listen) return; // serves nothing: the process being up is all there is to check
  const port = /:(\d+)$/.exec(listen)?.[1];
  const status = await get(`http://127.0.0.1:${port}/speed/ping`);
  if (status !== 204) throw new Error(`/speed/ping answered ${status}`);
}

const checks = { server: checkServer, backends: checkBackends, agent: checkAgent };
const mode = process.argv[2] ?? 'server';
const check = checks[mode];
if (!check) {
  console.error(`unknown check "${mode}" (server, backends or agent)`);
  process.exit(2);
}
const timer = setTimeout(() => {
  console.error(`unhealthy: ${mode} check took more than ${2 * TIMEOUT_MS} ms`);
  process.exit(1);
}, 2 * TIMEOUT_MS);
timer.unref();
check().then(
  () => process.exit(0),
  (error) => {
    console.error(`unhealthy: ${error.message}`);
    process.exit(1);
  },
);
