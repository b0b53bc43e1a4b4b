// Public face of routing: the engine the pipeline calls, the offer answers, agents and rules,
// transfers and notes, the workspace read models and the timer.
export { routeCaseWithEngine, dispatch } from './engine.ts';
export { acceptOffer, declineOffer, expireDueOffers, withdrawOffersOf, DECLINE_REASONS, type DeclineReason, type AcceptResult, type DeclineResult, type OfferView } from './offers.ts';
export {
  listAgents,
  getAgent,
  setPresence,
  updateProfile,
  dispatchNow,
  listRules,
  getRule,
  updateRule,
  type AgentView,
  type ProfileInput,
  type RuleView,
} from './agents.ts';
export { transferCase, addNote, listNotes, type TransferInput, type TransferResult, type NoteView } from './transfer.ts';
export { queuesView, agentOffers, agentInbox, caseConversation, type QueueView, type OfferLine, type Inbox, type CaseLine, type Conversation, type ConversationItem } from './views.ts';
export { startRoutingJobs, runRoutingJobs, sweepQueues, adoptQueuedCases, type RoutingJobs, type RoutingRun } from './jobs.ts';
