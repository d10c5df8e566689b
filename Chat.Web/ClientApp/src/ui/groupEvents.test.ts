import { describe, expect, it } from 'vitest';
import { describeEvent, listNames, typingText } from './groupEvents';

const names: Record<string, string> = { ann: 'Ann', bob: 'Bob', cat: 'Cat', me: 'You' };
const nameOf = (id: string) => names[id] ?? 'Someone';

describe('group timeline lines', () => {
  it('says who did what to whom, with names as people list them', () => {
    expect(describeEvent({ type: 'added', actorId: 'ann', userIds: ['bob', 'cat'], name: null }, nameOf)).toBe('Ann added Bob and Cat');
    expect(describeEvent({ type: 'left', actorId: 'bob', userIds: ['bob'], name: null }, nameOf)).toBe('Bob left');
    expect(describeEvent({ type: 'removed', actorId: 'me', userIds: ['cat'], name: null }, nameOf)).toBe('You removed Cat');
    expect(describeEvent({ type: 'added', actorId: 'ann', userIds: ['me', 'bob'], name: null }, nameOf)).toBe('Ann added you and Bob');
    expect(describeEvent({ type: 'renamed', actorId: 'ann', userIds: [], name: 'Trip' }, nameOf)).toBe('Ann renamed the group to “Trip”');
    expect(describeEvent({ type: 'role', actorId: 'ann', userIds: ['bob'], name: 'admin' }, nameOf)).toBe('Ann made Bob an admin');
    expect(describeEvent({ type: 'role', actorId: 'ann', userIds: ['me'], name: 'owner' }, nameOf)).toBe('You now own the group');
    expect(listNames(['A', 'B', 'C'])).toBe('A, B and C');
  });

  it('names one or two typists and counts more', () => {
    expect(typingText([])).toBeNull();
    expect(typingText(['Ann'])).toBe('Ann is typing…');
    expect(typingText(['Ann', 'Bob'])).toBe('Ann and Bob are typing…');
    expect(typingText(['Ann', 'Bob', 'Cat'])).toBe('Several people are typing…');
  });
});
