import type { FastifyInstance } from 'fastify';
import type { Services } from '../pipeline/context.ts';
import type { RealtimeHub } from '../realtime.ts';
import { registerEmailChannel } from './email/index.ts';
import { registerFrontDesk } from './front-desk/index.ts';
import { registerPortal } from './portal/index.ts';
import { registerWebchat } from './webchat/index.ts';
import { registerTwilioSms } from './twilio/sms.ts';
import { registerTwilioVoice } from './twilio/voice.ts';

/**
 * Every channel adapter registers its provider-facing routes here. Adapters authenticate at
 * the edge (signatures, socket tokens, sessions), turn provider traffic into ChannelEvents for
 * the pipeline, and nothing else.
 */
export async function registerChannels(app: FastifyInstance, services: Services, hub: RealtimeHub): Promise<void> {
  await registerWebchat(app, services, hub);
  await registerTwilioSms(app, services);
  await registerTwilioVoice(app, services, hub);
  await registerEmailChannel(app, services);
  await registerPortal(app, services);
  await registerFrontDesk(app, services);
}
