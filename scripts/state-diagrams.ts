// Regenerates the lifecycle diagrams in README.md from the xstate machines: npm run docs:diagrams
import fs from 'node:fs';
import { readmeWithDiagrams } from '../tests/readme-diagrams';

const readme = fs.readFileSync('README.md', 'utf8');
fs.writeFileSync('README.md', readmeWithDiagrams(readme));
console.log('README.md diagrams regenerated');
