import type { GroupEvent } from '../api/types';

/** Lists names as people say them: "Ann", "Ann and Bob", "Ann, Bob and Cat". */
export function listNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** A membership change as a line of the timeline: "Ann added Bob and Cat", "You left". */
export function describeEvent(event: GroupEvent, nameOf: (userId: string) => string): string {
  const actor = nameOf(event.actorId);
  const subjects = listNames(event.userIds.map(nameOf));
  // "You" when they are the subject, "you" when the object: "Ann added you".
  const people = listNames(event.userIds.map(nameOf).map((n) => (n === 'You' ? 'you' : n)));
  switch (event.type) {
    case 'created': return `${actor} created the group “${event.name ?? ''}”`;
    case 'added': return `${actor} added ${people}`;
    case 'removed': return `${actor} removed ${people}`;
    case 'left': return `${subjects || actor} left`;
    case 'renamed': return `${actor} renamed the group to “${event.name ?? ''}”`;
    case 'avatar': return `${actor} changed the group's photo`;
    case 'role':
      return event.name === 'owner' ? `${subjects} now ${subjects === 'You' ? 'own' : 'owns'} the group`
        : event.name === 'admin' ? `${actor} made ${people} an admin` : `${actor} made ${people} a member`;
  }
}

/** "Ann is typing", "Ann and Bob are typing", "Several people are typing". */
export function typingText(names: string[]): string | null {
  if (names.length === 0) return null;
  if (names.length > 2) return 'Several people are typing…';
  return `${listNames(names)} ${names.length === 1 ? 'is' : 'are'} typing…`;
}
