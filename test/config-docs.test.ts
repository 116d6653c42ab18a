/**
 * The README's configuration table and .env.example name every environment variable the platform
 * reads (kernel/config.ts): a new setting without documentation fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** Variables read by kernel/config.ts: `int('X', …)`, `bool('X', …)`, `list('X')`, `process.env.X`. */
function configVariables(): string[] {
  const source = read('kernel/config.ts');
  const names = new Set<string>();
  for (const m of source.matchAll(/\b(?:int|bool|list|url|origin)\('([A-Z][A-Z0-9_]+)'/g)) names.add(m[1]);
  for (const m of source.matchAll(/process\.env\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1]);
  return [...names].sort();
}

describe('configuration is documented', () => {
  const variables = configVariables();

  it('finds the settings it checks', () => {
    expect(variables).toContain('DATABASE_URL');
    expect(variables).toContain('PUBLIC_COMPLAINTS_PER_HOUR');
    expect(variables.length).toBeGreaterThan(25);
  });

  it('the README configuration table names every variable', () => {
    const readme = read('README.md');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Architecture'));
    expect(variables.filter((v) => !table.includes(`\`${v}\``))).toEqual([]);
  });

  it('.env.example names every variable', () => {
    const example = read('.env.example');
    expect(variables.filter((v) => !new RegExp(`^#?\\s*${v}=`, 'm').test(example))).toEqual([]);
  });
});
