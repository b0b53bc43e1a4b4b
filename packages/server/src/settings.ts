/**
 * Deployment settings for the channels. Everything has a default that works on one machine
 * for the demo and the tests; production sets the environment.
 */
export interface ChannelSettings {
  /** The URL the outside world uses to reach carethread (Twilio signs requests against it). */
  publicUrl: string;
  twilio: {
    accountSid: string;
    /**
     * Checks X-Twilio-Signature on the webhooks and signs REST calls. Unset, the webhooks refuse
     * everything: there is no built-in token (anyone could sign with a public one).
     */
    authToken: string | undefined;
    /** Twilio's REST API; tests and sandboxes point it at a local server that speaks the same protocol. */
    apiBaseUrl: string;
  };
  email: {
    /** Port of the built-in inbound SMTP server; 0 picks a free one, undefined turns it off. */
    inboundPort: number | undefined;
    inboundHost: string;
    /** Outbound relay, e.g. smtp://user:pass@relay.example.org:587; undefined means mail stays in the outbox. */
    relayUrl: string | undefined;
    /** Inbound mail domain used for reply+<token>@ addresses and Message-IDs. */
    domain: string;
    /** Shared secret hosted mail providers send with inbound webhooks; unset turns the webhook off. */
    webhookSecret: string | undefined;
  };
  outbox: {
    pollMs: number;
    maxAttempts: number;
    /** First retry delay; it doubles each attempt. */
    backoffMs: number;
  };
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env, port = Number(env.PORT ?? 3000)): ChannelSettings {
  return {
    publicUrl: (env.CARETHREAD_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    twilio: {
      accountSid: env.TWILIO_ACCOUNT_SID ?? 'AC00000000000000000000000000000000',
      authToken: env.TWILIO_AUTH_TOKEN || undefined,
      apiBaseUrl: (env.TWILIO_API_BASE_URL ?? 'https://api.twilio.com').replace(/\/$/, ''),
    },
    email: {
      inboundPort: env.CARETHREAD_SMTP_PORT === undefined || env.CARETHREAD_SMTP_PORT === '' ? undefined : Number(env.CARETHREAD_SMTP_PORT),
      inboundHost: env.CARETHREAD_SMTP_HOST ?? '127.0.0.1',
      relayUrl: env.CARETHREAD_SMTP_RELAY || undefined,
      domain: env.CARETHREAD_MAIL_DOMAIN ?? 'demo.carethread.local',
      webhookSecret: env.CARETHREAD_EMAIL_WEBHOOK_SECRET || undefined,
    },
    outbox: {
      pollMs: Number(env.CARETHREAD_OUTBOX_POLL_MS ?? 500),
      maxAttempts: Number(env.CARETHREAD_OUTBOX_MAX_ATTEMPTS ?? 6),
      backoffMs: Number(env.CARETHREAD_OUTBOX_BACKOFF_MS ?? 2000),
    },
  };
}
