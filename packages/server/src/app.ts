import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import fastifyFormbody from '@fastify/formbody';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Principal } from './auth.ts';
import { authenticate } from './auth/authenticate.ts';
import type { Services } from './pipeline/context.ts';
import { BadInput } from './pipeline/errors.ts';
import { rejectUnstorableInput } from './input-guard.ts';
import { RealtimeHub } from './realtime.ts';
import { tenantScope } from './store/tenant-scope.ts';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from './store/db.ts';
import { registerRoutes } from './routes/index.ts';
import { registerChannels } from './channels/index.ts';
import { registerWebApp } from './routes/web-app.ts';
import { registerSecurityHeaders, trustProxyFromEnv, type TrustProxy } from './http-security.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface AppOptions {
  services: Services;
  hub: RealtimeHub;
  /** Inbound request bodies above this are refused with 413 (bytes). */
  bodyLimit?: number;
  /** Request logging; a stream receives the JSON lines instead of stdout (tests read them). */
  logger?: boolean | { stream: { write(line: string): void } };
  /** Fastify's trustProxy; defaults to CARETHREAD_TRUST_PROXY (http-security.ts). */
  trustProxy?: TrustProxy;
}

export { API_PREFIX } from './api-route.ts';

/** ws reports a frame over maxPayload as this error; the socket already closed it with 1009. */
const FRAME_TOO_LARGE = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/**
 * An error on an open socket. A frame over the size limit is handled (the socket closes with
 * 1009 and the client is told why), so it is noted, not raised as an error; nothing of the
 * frame is logged, only the error's name and code.
 */
function onSocketError(this: FastifyInstance, error: Error, socket: { terminate(): void }, request: FastifyRequest): void {
  const code = (error as { code?: string }).code;
  if (code === FRAME_TOO_LARGE) request.log.info({ err: { name: error.name, code } }, 'websocket frame over the size limit refused');
  else request.log.warn({ err: { name: error.name, code } }, 'websocket failed');
  socket.terminate();
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    // Behind a TLS-terminating proxy, X-Forwarded-Proto/-For are believed only from the proxies named here.
    trustProxy: options.trustProxy ?? trustProxyFromEnv(),
    // Request logs carry method, route and status only: URLs and bodies can hold PHI.
    logger: options.logger
      ? {
          ...(typeof options.logger === 'object' ? { stream: options.logger.stream } : {}),
          serializers: {
            req: (req: FastifyRequest) => ({ method: req.method, route: req.routeOptions?.url }),
          },
        }
      : false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  // CSP nonce, HSTS, nosniff, referrer and cache policy on every response (first, so even an
  // answer from the authentication hook gets them).
  registerSecurityHeaders(app, { publicUrl: () => options.services.settings.publicUrl });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'carethread API',
        description: 'One patient, one thread across every channel. Staff endpoints take `Authorization: Bearer <token>`.',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // BaseLayout: no Swagger top bar, whose logo carries an inline <style> our CSP would refuse
  // (and whose "explore" box would load other specs); the reference itself is unchanged.
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { layout: 'BaseLayout' } });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 }, errorHandler: onSocketError });
  // Twilio and hosted mail providers post application/x-www-form-urlencoded.
  await app.register(fastifyFormbody);

  // Each request runs in a tenant scope of its own; authentication names its organisation, and on
  // PostgreSQL its queries then run under row-level security for that organisation alone
  // (store/tenant-scope.ts). run() around done() makes the scope reach every later hook and the handler.
  app.addHook('onRequest', (_request, _reply, done) => tenantScope.run({ organizationId: null }, done));
  // Bearer tokens and staff session cookies (auth/authenticate.ts); pages and webhooks live outside /api/v1.
  app.addHook('onRequest', async (request, reply) => authenticate(options.services, request, reply));
  // Text PostgreSQL cannot store (NUL, lone surrogates) and absurd nesting: a 400, never a 500 (input-guard.ts).
  app.addHook('preValidation', rejectUnstorableInput);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof BadInput) return reply.code(error.status).send({ ...error.details, error: error.code, message: error.message });
    if (hasZodFastifySchemaValidationErrors(error)) {
      return reply.code(400).send({
        error: 'invalid_request',
        message: error.validation.map((v) => `${v.instancePath.replace(/^\//, '').replaceAll('/', '.') || error.validationContext || 'request'}: ${v.message}`).join('; '),
      });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ error: 'body_too_large', message: 'The request body is too large.' });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (error.statusCode === 400 && error instanceof SyntaxError)) {
      return reply.code(400).send({ error: 'invalid_json', message: 'The request body is not valid JSON.' });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: error.code ?? 'bad_request', message: error.message });
    }
    if (isDatabaseUnavailable(error)) {
      // A restart or failover, not a fault of ours or the client's: come back shortly. (Should the
      // commit have landed before the answer was lost, a retried channel event finds its receipt.)
      request.log.warn({ err: { name: error.name, code: error.code } }, 'database unavailable');
      return reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ error: 'database_unavailable', message: 'The database is unavailable for a moment (a restart or failover); retry shortly.' });
    }
    request.log.error({ err: { name: error.name, code: error.code } }, 'unhandled error');
    return reply.code(500).send({ error: 'internal', message: 'Something went wrong on our side; nothing was changed.' });
  });

  await registerRoutes(app, options.services, options.hub);
  await registerChannels(app, options.services, options.hub);
  await registerWebApp(app);
  return app;
}
