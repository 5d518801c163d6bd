// `npm start`: the Electron app where its binary is present, otherwise browser mode.
// Both run on the embedded default data folder (override with CLINICDESK_DATA_DIR).
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function electronBinary() {
  try {
    const binary = require('electron'); // the path of the binary, or throws when it was not downloaded
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const build = spawnSync(npx, ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const args = process.argv.slice(2);
const child = electronBinary()
  ? spawn(npx, ['electron-vite', 'preview', '--skipBuild', ...args], { stdio: 'inherit' })
  : (console.log('Electron is not installed on this machine: starting browser mode instead.'),
    spawn(npx, ['tsx', 'src-main/host/cli.ts', ...args], { stdio: 'inherit' }));
child.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
