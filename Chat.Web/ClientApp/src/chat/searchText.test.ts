import { describe, expect, it } from 'vitest';
import { foldWords, snippet } from './searchText';

describe('search text', () => {
  it('folds case and accents into words like the server', () => {
    expect(foldWords('Le CAFÉ, prêt?')).toEqual(['le', 'cafe', 'pret']);
    expect(foldWords('  ?! ')).toEqual([]);
  });

  it('marks whole words that match, whatever their case and accents', () => {
    const parts = snippet('Un café? Cafeteria non, CAFE oui', ['cafe']);
    expect(parts.filter((p) => p.match).map((p) => p.text)).toEqual(['café', 'CAFE']);
    expect(parts.map((p) => p.text).join('')).toBe('Un café? Cafeteria non, CAFE oui');
  });

  it('cuts a long text around the first match', () => {
    const text = `${'a '.repeat(100)}needle ${'b '.repeat(100)}`;
    const parts = snippet(text, ['needle'], 10);
    expect(parts[0].text).toBe('…');
    expect(parts.at(-1)!.text).toBe('…');
    expect(parts.some((p) => p.match && p.text === 'needle')).toBe(true);
    expect(parts.map((p) => p.text).join('').length).toBeLessThan(30);
  });
});
