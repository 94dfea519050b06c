import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { interpolate, loadComposeFiles, readEnvFile, requiredVariables } from './support/compose.ts';

describe('compose interpolation', () => {
  const env = { SET: 'value', EMPTY: '' };

  it('substitutes variables and their defaults as Compose does', () => {
    expect(interpolate('${SET}', env)).toBe('value');
    expect(interpolate('${MISSING}', env)).toBe('');
    expect(interpolate('${MISSING:-fallback}', env)).toBe('fallback');
    expect(interpolate('${EMPTY:-fallback}', env)).toBe('fallback');
    expect(interpolate('${EMPTY-fallback}', env)).toBe('');
    expect(interpolate('a $$HOME b', env)).toBe('a $HOME b');
  });

  it('refuses a required variable that is missing', () => {
    expect(() => interpolate('${MISSING:?set it}', env)).toThrow('MISSING is required: set it');
    expect(interpolate('${SET:?set it}', env)).toBe('value');
  });
});

describe('compose files and env files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventix-compose-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads an env file as Compose does: names and values, comments and blank lines skipped, quotes removed', () => {
    const env = readEnvFile(file('.env', '# a comment\n\nPLAIN=value\nQUOTED="two words"\nEMPTY=\n'));
    expect(env).toEqual({ PLAIN: 'value', QUOTED: 'two words', EMPTY: '' });
  });

  it('merges an override file on top: maps merged, ports appended, commands replaced', () => {
    const base = file(
      'base.yml',
      'services:\n  app:\n    image: a:1.0.0\n    command: [run]\n    ports: ["127.0.0.1:1:1"]\n    environment: { A: "1", B: "${B:?set B}" }\n',
    );
    const override = file(
      'override.yml',
      'services:\n  app:\n    command: [debug]\n    ports: ["127.0.0.1:2:2"]\n    environment: { A: "2" }\n',
    );
    expect(loadComposeFiles([base, override], { B: 'b' }).services.app).toEqual({
      image: 'a:1.0.0',
      command: ['debug'],
      ports: ['127.0.0.1:1:1', '127.0.0.1:2:2'],
      environment: { A: '2', B: 'b' },
    });
    expect(requiredVariables(base)).toEqual(['B']);
  });
});
