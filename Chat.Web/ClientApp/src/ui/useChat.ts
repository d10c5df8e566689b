import { useSyncExternalStore } from 'react';
import type { ChatClient, ChatState } from '../chat/chatClient';

/**
 * One slice of the messenger's state; the component re-renders only when that slice changes
 * (state changes replace only what they touch, so unchanged slices keep their identity).
 * The selector must return a part of the state or a primitive, never a new object.
 */
export function useChat<T>(client: ChatClient, select: (state: ChatState) => T): T {
  return useSyncExternalStore(client.subscribe, () => select(client.getState()));
}
