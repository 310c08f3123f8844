// The flux-speed-agent image's contents run outside Docker: the final stage's files laid out as
// its COPY/RUN lines place them, production dependencies only, started through its symlinks.
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { freePort, tempDir } from '../helpers/processes.js';
import { until } from '../helpers/wait.js';
import { installProdDeps, layout, run } from './image-layout.js';
import { startCommand } from './stack.js';

describe('the flux-speed-agent image’s contents, laid out and run outside Docker', () => {
  before(() => {
    installProdDeps('Dockerfile.agent');
  });

  it('flux-speed-agent: its default command runs the agent, whose health check passes', async () => {
    const image = layout('Dockerfile.agent', 'agent');
    assert.deepEqual([...image.entrypoint, ...image.cmd], ['flux-speed-entrypoint', 'agent']);
    const bin = path.join(image.root, 'usr/local/bin');
    const listen = `127.0.0.1:${await freePort()}`;
    // node and sh only on PATH: no iperf3 server on the shared port 5201 from this test.
    const tools = tempDir('image-tools');
    symlinkSync(process.execPath, path.join(tools, 'node'));
    symlinkSync('/bin/sh', path.join(tools, 'sh'));
    const env = { ...image.env, PATH: `${bin}:${tools}`, AGENT_DATA_DIR: path.join(image.root, 'data'), AGENT_LISTEN: listen, SPEED_SERVER_URL: `http://127.0.0.1:${await freePort()}`, AGENT_NAME: 'IMAGE-01', AGENT_TOKEN: 'unused-token' };
    const proc = startCommand('image-agent', path.join(bin, image.entrypoint[0]!), image.cmd, env);
    try {
      await until(async () => {
        if (proc.child.exitCode !== null) throw new Error(`the agent exited:\n${proc.output()}`);
        return (await run(path.join(bin, 'flux-speed-healthcheck'), ['agent'], env)).code === 0;
      }, { timeoutMs: 60_000, what: 'the agent image’s health check' });
    } finally {
      await proc.stop();
    }
  });
});
