import { describe, expect, it } from 'vitest';
import { interpolate } from './support/compose.ts';

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
