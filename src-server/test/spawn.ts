import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * The sync server run through its own command line (`src-server/cli.ts serve`) as a child process, as
 * an operator runs it: for end-to-end tests and benchmarks, which must not share a process (or a
 * JavaScript thread) with the desks they serve. Resolves once it logs server.listening.
 */
export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  /** SIGTERM, then SIGKILL after 15 s; resolves when the process is gone. */
  stop(): Promise<void>;
}

export const SERVER_CLI = path.join(process.cwd(), 'src-server', 'cli.ts');

export async function spawnServer(opts: { env: NodeJS.ProcessEnv; port?: number; dataDir: string; output?: NodeJS.WritableStream }): Promise<SpawnedServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_CLI, 'serve', '--port', String(opts.port ?? 0), '--data-dir', opts.dataDir], {
    cwd: process.cwd(),
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (opts.output) {
    child.stdout!.pipe(opts.output, { end: false });
    child.stderr!.pipe(opts.output, { end: false });
  } else {
    child.stdout!.resume();
    child.stderr!.resume();
  }
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sync server did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"server\.listening".*?"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sync server exited with ${code}:\n${out}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, url, stop };
}
