/**
 * The core in Electron's utility process (utilityProcess.fork): SQLite work never blocks the window
 * or the main process. Main only relays ClinicApi calls to it and change events from it.
 */
import { openCore } from '../core/core';
import { jsonLogger } from '../core/log';
import type { FromCore, ToCore } from './bridge-protocol';

interface ParentPort {
  on(event: 'message', listener: (e: { data: ToCore }) => void): void;
  postMessage(message: FromCore): void;
}
const parentPort = (process as unknown as { parentPort: ParentPort }).parentPort;

const dataDir = process.argv[2];
if (!dataDir) throw new Error('core-process needs the data folder as its first argument');

try {
  const core = await openCore({ dataDir, logger: jsonLogger() });
  core.subscribe((event) => parentPort.postMessage({ type: 'event', event }));
  parentPort.on('message', ({ data }) => {
    if (data?.type !== 'call') return;
    void core.call(data.method, data.input, { token: data.token }).then((result) => parentPort.postMessage({ type: 'result', id: data.id, result }));
  });
  parentPort.postMessage({ type: 'ready' });
} catch (err) {
  parentPort.postMessage({ type: 'fatal', message: err instanceof Error ? err.message : 'The local database could not be opened.' });
}
