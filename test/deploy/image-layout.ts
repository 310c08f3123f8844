// Lays out what an image holds outside Docker: the files a Dockerfile's final stage copies are
// placed in a temporary root exactly as its COPY/RUN lines place them, with production
// dependencies installed by the Dockerfile's own prod-deps command.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/processes.js';
import { ROOT } from './stack.js';

interface Instruction { stage: string; op: string; args: string }

function instructions(file: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = '';
  let pending = '';
  for (const raw of readFileSync(path.join(ROOT, file), 'utf8').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (!line && !pending)) continue;
    pending += `${line.replace(/\\$/, '').trim()} `;
    if (line.endsWith('\\')) continue;
    const [op, ...rest] = pending.trim().split(/\s+/);
    pending = '';
    if (op!.toUpperCase() === 'FROM') stage = /\bAS\s+(\S+)/i.exec(rest.join(' '))?.[1] ?? '';
    out.push({ stage, op: op!.toUpperCase(), args: rest.join(' ') });
  }
  return out;
}

/** Production dependencies as a Dockerfile's prod-deps stage installs them (once per Dockerfile and test file). */
const prodDeps = new Map<string, string>();
export function installProdDeps(file: string): string {
  const done = prodDeps.get(file);
  if (done) return done;
  const dir = tempDir('prod-deps');
  const stage = instructions(file).filter((i) => i.stage === 'prod-deps');
  for (const copy of stage.filter((i) => i.op === 'COPY')) {
    for (const source of copy.args.split(/\s+/).slice(0, -1)) cpSync(path.join(ROOT, source), path.join(dir, source), { recursive: true });
  }
  const command = stage.find((i) => i.op === 'RUN' && i.args.startsWith('npm ci'))!.args.split('&&')[0]!.trim().split(/\s+/);
  // Without the test runner's NODE_OPTIONS (tsx is not installed in that directory).
  const { NODE_OPTIONS: _runner, ...env } = process.env;
  execFileSync('npm', [...command.slice(1), '--prefer-offline'], { cwd: dir, env, stdio: 'pipe', timeout: 300_000 });
  prodDeps.set(file, path.join(dir, 'node_modules'));
  return path.join(dir, 'node_modules');
}

/** Lays out the final stage of a Dockerfile under a temporary root; returns the root and the stage's ENV. */
export function layout(file: string, stage: string): { root: string; env: Record<string, string>; entrypoint: string[]; cmd: string[] } {
  const root = tempDir('image');
  const list = instructions(file).filter((i) => i.stage === stage);
  let workdir = '/';
  const env: Record<string, string> = {};
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  const at = (p: string) => path.join(root, path.isAbsolute(p) ? p : path.join(workdir, p));
  for (const { op, args } of list) {
    if (op === 'WORKDIR') workdir = args;
    else if (op === 'ENV') for (const pair of args.split(/\s+/)) env[pair.split('=')[0]!] = pair.split('=').slice(1).join('=');
    else if (op === 'ENTRYPOINT') entrypoint = JSON.parse(args) as string[];
    else if (op === 'CMD') cmd = JSON.parse(args) as string[];
    else if (op === 'COPY') {
      const parts = args.split(/\s+/);
      const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
      const paths = parts.filter((p) => !p.startsWith('--'));
      const dest = paths.pop()!;
      for (const source of paths) {
        // Several sources, or a destination ending in /, copy into that directory.
        const target = at(paths.length > 1 || dest.endsWith('/') ? path.join(dest, path.basename(source)) : dest);
        mkdirSync(path.dirname(target), { recursive: true });
        if (from === 'prod-deps') cpSync(installProdDeps(file), target, { recursive: true, verbatimSymlinks: true });
        else if (from === 'build') cpSync(path.join(ROOT, source.replace(/^\/app\//, '')), target, { recursive: true });
        else cpSync(path.join(ROOT, source), target, { recursive: true });
      }
    } else if (op === 'RUN') {
      for (const [, target, link] of args.matchAll(/ln -s (\S+) (\S+)/g)) {
        mkdirSync(path.dirname(at(link!)), { recursive: true });
        symlinkSync(at(target!), at(link!));
      }
    }
  }
  return { root, env, entrypoint, cmd };
}

export function run(file: string, args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 20_000 }, (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }));
  });
}

