// Rewrites the configuration table in README.md from src/config.ts (npm run docs:config).
import { readFileSync, writeFileSync } from 'node:fs';
import { configTable } from '../src/config.ts';

const file = new URL('../README.md', import.meta.url);
const readme = readFileSync(file, 'utf8');
const start = '<!-- config:start -->';
const end = '<!-- config:end -->';
const a = readme.indexOf(start);
const b = readme.indexOf(end);
if (a < 0 || b < a) throw new Error('README.md has no config markers');
writeFileSync(file, `${readme.slice(0, a + start.length)}\n${configTable()}\n${readme.slice(b)}`);
console.log('README.md configuration table updated');
