import type { HubConnection } from '@microsoft/signalr';
import type { ConversationRef } from './rest';
import type { components } from './schema';
import type { GroupChanged, GroupReadProgress, Message, MuteChanged, PresenceDelta, ReadUpTo, TypingEvent } from './types';

/** What the server pushes (the counterpart of the server's IChatClient): one handler per event. */
export interface ChatEvents {
  MessageReceived: (message: Message) => void;
  MessageUpdated: (message: Message) => void;
  ReadUpTo: (event: ReadUpTo) => void;
  Typing: (event: TypingEvent) => void;
  PresenceChanged: (changes: PresenceDelta[]) => void;
  GroupChanged: (event: GroupChanged) => void;
  GroupReadProgress: (event: GroupReadProgress) => void;
  MuteChanged: (event: MuteChanged) => void;
}

export type SendMessageRequest = components['schemas']['SendMessageRequest'];

/**
 * The hub half of docs/api.md, typed: the methods of the server's ChatHub by what they do (a
 * pair's or a group's twin chosen by the conversation), and its events by name. Nothing else in
 * the client invokes a hub method by its name.
 */
export class ChatHub {
  constructor(readonly connection: HubConnection) {}

  on<E extends keyof ChatEvents>(event: E, handler: ChatEvents[E]) {
    this.connection.on(event, handler as (...args: never[]) => void);
  }

  send(conversation: ConversationRef, request: SendMessageRequest): Promise<Message> {
    return 'groupId' in conversation
      ? this.connection.invoke<Message>('SendGroupMessage', conversation.groupId, request)
      : this.connection.invoke<Message>('SendMessage', conversation.peerId, request);
  }

  markRead(conversation: ConversationRef, seq: number): Promise<void> {
    return 'groupId' in conversation
      ? this.connection.invoke('MarkGroupRead', conversation.groupId, seq)
      : this.connection.invoke('MarkRead', conversation.peerId, seq);
  }

  typing(conversation: ConversationRef): Promise<void> {
    return 'groupId' in conversation
      ? this.connection.invoke('GroupTyping', conversation.groupId)
      : this.connection.invoke('Typing', conversation.peerId);
  }

  /** A receipt for a pushed message (fire and forget: it only measures delivery). */
  confirmDelivery(message: Message): Promise<void> {
    return this.connection.send('ConfirmDelivery', message.id, message.createdAt);
  }
}
