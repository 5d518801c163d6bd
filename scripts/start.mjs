// `npm start`: the Electron app where its binary is present, otherwise browser mode.
// Both run on the embedded default data folder (override with CLINICDESK_DATA_DIR, or --data-dir in browser mode).
//   --browser    browser mode even where Electron is installed (e.g. a second desk on the same PC: Electron
//                allows one window per user)
//   --no-build   skip the build (e.g. when another desk started from this folder has just built it)
// Every other argument goes to the app (browser mode: --data-dir <folder>, --port <n>).
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

const own = new Set(['--browser', '--no-build']);
const given = process.argv.slice(2);
const args = given.filter((a) => !own.has(a));

if (!given.includes('--no-build')) {
  const build = spawnSync(npx, ['electron-vite', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const electron = !given.includes('--browser') && electronBinary();
const child = electron
  ? spawn(npx, ['electron-vite', 'preview', '--skipBuild', ...args], { stdio: 'inherit' })
  : (console.log(given.includes('--browser') ? 'Starting browser mode.' : 'Electron is not installed on this machine: starting browser mode instead.'),
    spawn(npx, ['tsx', 'src-main/host/cli.ts', ...args], { stdio: 'inherit' }));
child.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
