import { describe, expect, it } from 'vitest';
import { insertMention, mentionAt, mentionCandidates, mentionParts, mentionsIn } from './mentions';

const people = [{ id: '1', fullName: 'Ann Lee' }, { id: '2', fullName: 'Bob Stone' }, { id: '3', fullName: 'Annika Berg' }];

describe('mentions', () => {
  it('finds the @ being typed at the caret, not an address or a finished word', () => {
    expect(mentionAt('hi @an', 6)).toEqual({ start: 3, query: 'an' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('mail a@b', 8)).toBeNull();
    expect(mentionAt('hi @ann ', 8)).toBeNull();
  });

  it('offers members by the start of their name or of a word of it', () => {
    expect(mentionCandidates(people, 'an').map((p) => p.id)).toEqual(['1', '3']);
    expect(mentionCandidates(people, 'sto').map((p) => p.id)).toEqual(['2']);
    expect(mentionCandidates(people, 'ann l').map((p) => p.id)).toEqual(['1']);
  });

  it('inserts the full name and keeps only the mentions still in the text', () => {
    const { text, caret } = insertMention('hi @an, lunch?', 3, 6, 'Ann Lee');
    expect(text).toBe('hi @Ann Lee , lunch?');
    expect(caret).toBe(12);
    expect(mentionsIn(text, people)).toEqual(['1']);
    expect(mentionsIn('hi Ann', people)).toEqual([]);
  });

  it('splits a message around the mentioned names, longest first', () => {
    expect(mentionParts('@Ann Lee and @Ann Lee Junior?', ['Ann Lee', 'Ann Lee Junior'])).toEqual([
      { text: '@Ann Lee', mention: true }, { text: ' and ', mention: false }, { text: '@Ann Lee Junior', mention: true }, { text: '?', mention: false },
    ]);
  });
});
