// The shapes the workspace reads from the API (see packages/server/src/routing/views.ts and
// read/context-card.ts). Kept here by hand: the web bundle must not import server code.

export type Presence = 'available' | 'busy' | 'away' | 'offline';
export const PRESENCES: Presence[] = ['available', 'busy', 'away', 'offline'];
export const CHANNELS = ['voice', 'sms', 'webchat', 'email', 'portal', 'in_person'] as const;
export const REQUEST_TYPES = ['scheduling', 'prescription', 'results', 'billing', 'insurance', 'clinical_question', 'records', 'other'] as const;
/** The server's dispositions (pipeline/actions.ts DISPOSITIONS); an unknown one is refused with 400. */
export const DISPOSITIONS = ['resolved', 'resolved_first_contact', 'referred', 'no_response', 'duplicate', 'other'] as const;
/** Facts an agent can ask for with one click (the ones patients are most often asked twice). */
export const ASKABLE_FACTS = ['birthDate', 'reason', 'medication', 'pharmacy', 'preferredTime', 'memberId', 'callbackNumber'] as const;

export interface Me {
  organizationId: string;
  role: string;
  staffId: string | null;
  staff: { id: string; name: string; email: string | null; role: string } | null;
}

export interface AgentView {
  staffId: string;
  name: string;
  role: string;
  presence: Presence;
  departmentIds: string[];
  held: Record<string, number>;
  free: Record<string, number>;
}

export interface CaseLine {
  caseId: string;
  requestType: string;
  status: string;
  queueState: string;
  department: { id: string; name: string } | null;
  patient: { id: string; givenName: string | null; familyName: string | null } | null;
  channel: string | null;
  language: string | null;
  waitingSince: string | null;
  waitSeconds: number | null;
  lastMessage: { channel: string; direction: string; actor: string; body: string | null; occurredAt: string } | null;
  handover: { id: string; body: string; staffId: string | null; createdAt: string } | null;
  updatedAt: string;
}

export interface OfferLine {
  id: string;
  caseId: string;
  channel: string;
  reason: string;
  secondsLeft: number;
  case: CaseLine | null;
}

export interface Inbox {
  agent: AgentView;
  assigned: CaseLine[];
  offers: OfferLine[];
  queues: Array<{ department: { id: string; name: string } | null; waiting: number; longestWaitSeconds?: number; waitingCases: CaseLine[] }>;
}

export type ConversationItem =
  | {
      type: 'message';
      id: string;
      interactionId: string;
      channel: string;
      direction: string;
      actor: string;
      staffId: string | null;
      body: string | null;
      subject: string | null;
      mediaUrls: string[];
      occurredAt: string;
    }
  | { type: 'note'; id: string; kind: 'note' | 'handover'; staffId: string | null; body: string; toStaffId: string | null; toDepartmentId: string | null; occurredAt: string };

export interface Conversation {
  case: { id: string; status: string; requestType: string; queueState: string; ownerId: string | null; departmentId: string | null };
  currentChannel: string | null;
  currentInteractionId: string | null;
  items: ConversationItem[];
  hasMore: boolean;
}

export interface KnownValue {
  value: string;
  source: string;
  channel?: string | null;
  sourceChannel?: string | null;
  at?: string;
  observedAt?: string;
}

export interface ContextCard {
  case: { id: string; requestType: string; status: string; department: { id: string; name: string } | null; ownerId: string | null; openedAt: string; channels: string[] } | null;
  patient: { id: string; givenName: string | null; familyName: string | null; birthDate: string | null; identifiers: Array<{ kind: string; value: string; verified: boolean }> } | null;
  assurance: string;
  openCases: Array<{ id: string; requestType: string; status: string; updatedAt: string; lastChannel: string | null }>;
  facts: Array<{
    name: string;
    value: string;
    source: string;
    sourceChannel: string | null;
    verified: boolean;
    observedAt: string;
    ageSeconds: number;
    /** Every value the fact has had, oldest first; `original` marks the first reason kept as the request. Absent from older servers. */
    history?: Array<{ value: string; source: string; sourceChannel: string | null; observedAt: string; original: boolean }>;
  }>;
  sentiment: { label: string; score: number | null };
  preferences: { language: string | null; channel: string | null };
}

export interface StaffMember {
  id: string;
  name: string;
  email: string | null;
  role: string;
}
