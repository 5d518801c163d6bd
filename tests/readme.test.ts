import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeWithDiagrams } from './readme-diagrams';

describe('README', () => {
  it('shows the lifecycle diagrams exactly as generated from the machines (npm run docs:diagrams)', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    expect(readme).toContain('<!-- diagram:appointment -->');
    expect(readme).toBe(readmeWithDiagrams(readme));
  });

  it('gives a newcomer the two commands: install-and-run and install-and-test', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    expect(readme).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci && npm start');
    expect(readme).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci && npm test');
    expect(fs.readFileSync('.ci/run', 'utf8')).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci && npm test');
  });
});
