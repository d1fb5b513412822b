// The API's objects, typed from the server's own zod schemas (types only: nothing of the server is bundled).
import type { z } from 'zod';
import type {
  CrmLinkSchema,
  SearchHitSchema,
  SearchTraceSchema,
  SyncSchema,
} from '../../../src/http/routes/knowledge-schemas.ts';
import type {
  ActivitySchema,
  ApiKeySchema,
  ChannelSchema,
  ConversationSchema,
  DealSchema,
  HistoryItemSchema,
  LeadSchema,
  MessageSchema,
  NoteSchema,
  TaskSchema,
  UserSchema,
  WorkspaceSchema,
} from '../../../src/http/schemas.ts';

export type Lead = z.infer<typeof LeadSchema>;
export type LeadStatus = Lead['status'];
export type Deal = z.infer<typeof DealSchema>;
export type Task = z.infer<typeof TaskSchema>;
export type Note = z.infer<typeof NoteSchema>;
export type Activity = z.infer<typeof ActivitySchema>;
export type HistoryItem = z.infer<typeof HistoryItemSchema>;
export type User = z.infer<typeof UserSchema>;
export type Role = User['role'];
export type Workspace = z.infer<typeof WorkspaceSchema>;
export type ApiKey = z.infer<typeof ApiKeySchema>;
export type Message = z.infer<typeof MessageSchema>;
export type Conversation = z.infer<typeof ConversationSchema>;
export type Channel = z.infer<typeof ChannelSchema>;
export type LeadSummary = Pick<Lead, 'id' | 'company' | 'contact_name' | 'phone' | 'status' | 'assignee_id'>;
export type ConversationItem = Conversation & { lead: LeadSummary | null };
export type Page<T> = { data: T[]; next_cursor: string | null };
export type Me = { user: User | null; role: Role; via: string; workspace: Workspace };

export type Attachment = { url: string; media_type: string; caption?: string; filename?: string };
export type Step = {
  id: string;
  sequence_id: string;
  position: number;
  delay_days: number;
  delay_hours: number;
  send_time: string | null;
  title: string | null;
  text: string;
  attachments: Attachment[];
};
export type Sequence = {
  id: string;
  name: string;
  trigger: 'demo_done' | 'lead_created' | 'manual';
  active: boolean;
  steps: Step[];
};
export type Reminder = {
  id: string;
  lead_id: string | null;
  kind: string;
  label: string;
  sequence_id: string | null;
  sequence_name: string | null;
  enrollment_id: string | null;
  due_at: string;
  status: string;
  late: boolean;
  sent_at: string | null;
  cancelled_at: string | null;
  reason: string | null;
};
export type SpecialNote = { category: string; text: string | null; alert?: boolean };
export type CustomerContext = {
  status: 'success';
  data: {
    phone_number: string;
    contact_id: string | null;
    name: string | null;
    is_new_customer: boolean;
    context_summary: string;
    profile: {
      preferred_staff?: string;
      preferred_times?: unknown;
      special_notes?: SpecialNote[];
      communication_preferences?: unknown;
      preferred_services?: string[];
      declined?: string[];
      [k: string]: unknown;
    };
  };
};
export type Pipeline = {
  data: { status: LeadStatus; count: number; values: { currency: string; value: number }[] }[];
};
export type ConversationAnalytics = {
  from: string;
  to: string;
  time_zone: string;
  conversations: {
    total: number;
    linked: number;
    unlinked: number;
    conversion_rate: number | null;
    leads_captured: number;
  };
  messages_per_day: { date: string; inbound: number; outbound: number }[];
  first_response: { median_seconds: number | null; responded: number; unanswered: number };
  channels: { channel: string; conversations: number; linked: number }[];
};
export type BotStatus = {
  mode: string;
  llm: { configured: boolean; reachable: boolean | null };
  messages_today: { in: number; out: number };
  bot_replies_today: number;
  context_hit_rate: number | null;
  personalization_rate: number | null;
  /** Share of today's bot replies that could not answer the customer. */
  fallback_rate?: number | null;
  fallbacks: Record<string, number>;
  handoffs_today: number;
  last_errors: { at: string; where: string; code: string | null; message: string | null }[];
  time_zone: string;
  since: string;
  knowledge_hit_rate?: number | null;
  knowledge?: { sources: number; active_sources: number; failing_sources: number; chunks: number };
};
export type AuditEntry = {
  id: string;
  action: string;
  actor_id: string | null;
  subject_hash: string | null;
  details: Record<string, unknown>;
  created_at: string;
};

// Knowledge (CRM links, issue 13).
export type CrmLink = z.infer<typeof CrmLinkSchema>;
export type KnowledgeSync = z.infer<typeof SyncSchema>;
export type SearchHit = z.infer<typeof SearchHitSchema>;
export type SearchTrace = z.infer<typeof SearchTraceSchema>;
export type KnowledgeDocument = {
  id: string;
  link: { id: string; name: string; type: string };
  record: string;
  part: number;
  citation: string;
  text: string;
  per_contact: boolean;
  keys: string[];
  fetched_at: string | null;
  created_at: string;
};
