// The flux-speed command as a user runs it.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it, before, after } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';

async function runToEnd(name: string, args: string[], env: Record<string, string>) {
  const proc = startFlux(name, args, env);
  const code = await proc.exited;
  return { code, output: proc.output() };
}

describe('flux-speed command line', () => {
  const dataDir = tempDir('cli');
  let port: number;
  let server: FluxProcess;

  before(async () => {
    port = await freePort();
  });
  after(async () => {
    await server?.stop();
  });

  it('first boot creates admin with a generated password, printed once and saved to DATA_DIR', async () => {
    server = startFlux('cli-all', ['all'], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOCAL_AGENT: '' });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitHealthy(baseUrl, server);
    const file = path.join(dataDir, 'initial-admin-password');
    const password = readFileSync(file, 'utf8').trim();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(password.length >= 16);
    assert.equal(server.output().split(password).length - 1, 1, 'printed exactly once');
    assert.ok(!/"msg".*initial password/.test(server.output()), 'not in the structured log');
    const api = await Api.login(baseUrl, 'admin', password);
    assert.equal((await api.get<{ role: string }>('/api/auth/me')).body.role, 'admin');
  });

  it('a second process on the same DATA_DIR refuses to start and says why', async () => {
    const second = await runToEnd('cli-second', ['all'], { PORT: String(await freePort()), DATA_DIR: dataDir, LOCAL_AGENT: '' });
    assert.equal(second.code, 2);
    assert.match(second.output, /DATA_DIR: .* is in use by process \d+/);
    assert.ok(!/\n\s+at /.test(second.output), 'a plain message, not a stack trace');
  });

  it('restarting keeps the data and prints no new password', async () => {
    await server.stop();
    server = startFlux('cli-all-2', ['all'], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOCAL_AGENT: '' });
    await waitHealthy(`http://127.0.0.1:${port}`, server);
    assert.ok(!/first start/.test(server.output()));
    await server.stop();
  });

  it('user add / user passwd create and change users that can sign in', async () => {
    const added = await runToEnd('cli-user-add', ['user', 'add', 'ana', '--role', 'Operator', '--password', 'ana-password-1'], { DATA_DIR: dataDir });
    assert.equal(added.code, 0, added.output);
    assert.match(added.output, /created operator "ana"/);
    const generated = await runToEnd('cli-user-passwd', ['user', 'passwd', 'ana'], { DATA_DIR: dataDir });
    assert.equal(generated.code, 0, generated.output);
    const newPassword = /changed to (\S+)/.exec(generated.output)![1]!;
    const dup = await runToEnd('cli-user-dup', ['user', 'add', 'ANA', '--password', 'whatever-123'], { DATA_DIR: dataDir });
    assert.equal(dup.code, 1);
    assert.match(dup.output, /taken/);
    server = startFlux('cli-all-3', ['all'], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOCAL_AGENT: '' });
    await waitHealthy(`http://127.0.0.1:${port}`, server);
    const api = await Api.login(`http://127.0.0.1:${port}`, 'ana', newPassword);
    assert.equal((await api.get<{ role: string }>('/api/auth/me')).body.role, 'operator');
    await server.stop();
  });

  it('migrate applies migrations once; token create prints a registration token and the docker run line', async () => {
    const fresh = tempDir('cli-migrate');
    const first = await runToEnd('cli-migrate', ['migrate'], { DATA_DIR: fresh });
    assert.equal(first.code, 0);
    assert.match(first.output, /applied: 0001_foundation/);
    const again = await runToEnd('cli-migrate-2', ['migrate'], { DATA_DIR: fresh });
    assert.match(again.output, /up to date/);
    const token = await runToEnd('cli-token', ['token', 'create', '--name', 'Dallas'], { DATA_DIR: fresh, PUBLIC_URL: 'http://flux.example:4040' });
    assert.equal(token.code, 0, token.output);
    assert.match(token.output, /-e AGENT_TOKEN=fsr_\S+ \\/);
    assert.match(token.output, /-e SPEED_SERVER_URL=http:\/\/flux.example:4040/);
  });

  it('a bad value stops the process with a message naming the variable', async () => {
    const bad = await runToEnd('cli-bad-port', ['all'], { PORT: '70000', DATA_DIR: tempDir('bad') });
    assert.equal(bad.code, 2);
    assert.match(bad.output, /PORT: must be a whole number ≥ 1 and ≤ 65535 \(got "70000"\)/);
    const flag = await runToEnd('cli-bad-flag', ['all', '--agent-offline-after-s', '5'], { DATA_DIR: tempDir('bad') });
    assert.equal(flag.code, 2);
    assert.match(flag.output, /AGENT_OFFLINE_AFTER_S: must be at least twice AGENT_HEARTBEAT_S/);
    const server = await runToEnd('cli-server-alone', ['server'], { DATA_DIR: tempDir('bad') });
    assert.equal(server.code, 2);
    assert.match(server.output, /DATABASE_URL: required by `flux-speed server`/);
    const unknown = await runToEnd('cli-unknown', ['frobnicate'], {});
    assert.equal(unknown.code, 2);
    assert.match(unknown.output, /unknown command "frobnicate"/);
  });
});
