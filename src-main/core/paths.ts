import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_NAME = 'ClinicDesk';

/**
 * The embedded default data folder: the same place Electron's app.getPath('userData') points to,
 * so the desktop app and browser mode open the same desk database. CLINICDESK_DATA_DIR overrides it.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLINICDESK_DATA_DIR) return path.resolve(env.CLINICDESK_DATA_DIR);
  const home = os.homedir();
  switch (process.platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', APP_NAME);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
  }
}

/**
 * The absolute path of a bundled resource (a file under the project's resources/ folder), e.g.
 * resolveResource('icd10/icd10cm.tsv'). Looked for, in order:
 *  1. CLINICDESK_RESOURCES_DIR, when set;
 *  2. the packaged app's resources folder (process.resourcesPath, where electron-builder's
 *     extraResources puts it), when running inside Electron;
 *  3. resources/ in the first folder above this module that has it: the project root, both when the
 *     core runs from source (tsx: src-main/core) and from the electron-vite bundle (out/main).
 * Returns the first candidate that exists; if none does, the project-root candidate (or the first),
 * so the caller's error names a sensible path.
 */
export function resolveResource(relative: string, env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  if (env.CLINICDESK_RESOURCES_DIR) candidates.push(path.resolve(env.CLINICDESK_RESOURCES_DIR, relative));
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(path.join(resourcesPath, relative));
  const fromRoot: string[] = [];
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    fromRoot.push(path.join(dir, 'resources', relative));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  candidates.push(...fromRoot);
  const found = candidates.find((c) => fs.existsSync(c));
  return found ?? fromRoot[2] ?? candidates[0]!;
}
