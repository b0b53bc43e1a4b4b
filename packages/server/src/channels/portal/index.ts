// Public face of the patient portal channel.
import type { OutboundTransport } from '../../outbox/transport.ts';

export { registerPortal, portalOrganization, PORTAL_SESSION_COOKIE } from './routes.ts';
export {
  requestPortalCode,
  verifyPortalCode,
  portalSessionFor,
  endPortalSession,
  parsePortalAddress,
  portalCodeHash,
  CODE_TTL_MINUTES,
  CODE_MAX_ATTEMPTS,
  CODE_REQUESTS_PER_WINDOW,
  CODE_REQUEST_WINDOW_MINUTES,
  SESSION_IDLE_MINUTES,
  type PortalAddress,
  type PortalSession,
} from './signin.ts';
export { portalInbox, postPortalMessage, type PortalCase, type PortalPost } from './inbox.ts';

/**
 * Staff replies on a portal interaction land in the outbox like any other (replyOnCase writes
 * the message row and an outbox row addressed to the patient's portal account). The portal
 * delivers by showing the message on the patient's page, which it already does from the
 * messages table, so delivery is immediate and cannot fail.
 */
export const portalTransport: OutboundTransport = {
  channel: 'portal',
  async send(item) {
    const messageId = typeof item.payload.messageId === 'string' ? item.payload.messageId : String(item.id);
    return { providerRef: `portal:${messageId}` };
  },
};
