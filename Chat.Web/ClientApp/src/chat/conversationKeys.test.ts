import { describe, expect, it } from 'vitest';
import { groupKey, keyOfConversationId, peerOrGroupId } from './conversationKeys';

const me = '6b0000000000000000000001';
const ann = '6b0000000000000000000002';
const group = '6c0000000000000000000003';

describe('conversation keys from the ids events carry', () => {
  it('names a pair by the other person, whichever side I am on', () => {
    expect(keyOfConversationId(`${me}_${ann}`, me)).toBe(ann);
    expect(keyOfConversationId(`${ann}_${me}`, me)).toBe(ann);
  });

  it('names a group by its key', () => {
    expect(keyOfConversationId(group, me)).toBe(groupKey(group));
  });

  it('gives /mute the peer id of a pair and the group id of a group', () => {
    expect(peerOrGroupId(ann)).toBe(ann);
    expect(peerOrGroupId(groupKey(group))).toBe(group);
  });
});
