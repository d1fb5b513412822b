// A conversation with its lead and latest messages: the thread's query, shared so the list can
// fetch it ahead (on hover, focus, and for the neighbours j/k go to).
import { queryOptions } from '@tanstack/react-query';
import { api } from './client.ts';
import type { Conversation, Lead, Message } from './types.ts';

export type ThreadData = { conversation: Conversation; lead: Lead | null; messages: Message[]; more_messages: boolean };

export const threadQuery = (id: string) =>
  queryOptions({
    queryKey: ['messages', id],
    queryFn: ({ signal }) => api<ThreadData>(`/api/whatsapp/crm-integration/conversation/${id}`, { signal }),
    staleTime: 10_000,
  });
