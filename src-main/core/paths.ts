import os from 'node:os';
import path from 'node:path';

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
