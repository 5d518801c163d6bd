import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

/** The layering rules of DESIGN.md §2 are enforced by lint: a violation fails `npm run lint`. */
const eslint = new ESLint({ cwd: process.cwd() });

async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering is enforced by lint', () => {
  it.each([
    ['src-shared/x.ts', "import fs from 'node:fs';\nexport const a = fs;"],
    ['src-shared/x.ts', "import path from 'path';\nexport const a = path;"],
    ['src-shared/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['src-shared/x.ts', "import { openCore } from '../src-main/core/core';\nexport const a = openCore;"],
    ['src-shared/x.ts', 'export const w = window.location;'],
    ['src-renderer/src/x.ts', "import { openCore } from '../../src-main/core/core';\nexport const a = openCore;"],
    ['src-renderer/src/x.ts', "import fs from 'node:fs';\nexport const a = fs;"],
    ['src-renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;"],
    ['src-main/core/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['src-main/core/x.ts', "import { startHost } from '../host/server';\nexport const a = startHost;"],
    ['src-server/x.ts', "import { openCore } from '../src-main/core/core';\nexport const a = openCore;"],
    ['src-server/x.ts', "import { a } from '../src-renderer/src/x';\nexport const b = a;"],
  ])('%s: %s is refused', async (file, code) => {
    const errors = await lint(file, code);
    expect(errors.join('\n')).toMatch(/no-restricted-(imports|globals)/);
  });

  it.each([
    ['src-shared/x.ts', "import { z } from 'zod';\nexport const a = z;"],
    ['src-renderer/src/x.ts', "import { can } from '../../src-shared/permissions';\nexport const a = can;"],
    ['src-main/core/x.ts', "import fs from 'node:fs';\nimport { can } from '../../src-shared/permissions';\nexport const a = [fs, can];"],
    ['src-server/x.ts', "import { can } from '../src-shared/permissions';\nexport const a = can;"],
  ])('%s: allowed imports pass', async (file, code) => {
    expect(await lint(file, code)).toEqual([]);
  });
});
