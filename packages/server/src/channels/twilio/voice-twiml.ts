import { CONTINUATION_CODE_LENGTH, type Language } from '@carethread/core';
import twilio from 'twilio';
import { CODE_HINTS, MENU_HINTS, VOICE_LOCALE, otherLanguage, promptsFor } from './voice-prompts.ts';

const { VoiceResponse } = twilio.twiml;
type Response = InstanceType<typeof VoiceResponse>;

/** Where Twilio reaches the voice routes. */
export const VOICE_PATH = '/channels/twilio/voice';

/**
 * Absolute URLs for Twilio to call back. Relative ones would resolve against whatever host
 * Twilio used, and the signature check rebuilds the URL from CARETHREAD_PUBLIC_URL, so both
 * must agree.
 */
export function voiceUrl(publicUrl: string, step: string, query: Record<string, string | number> = {}): string {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  return `${publicUrl}${VOICE_PATH}${step ? `/${step}` : ''}${qs ? `?${qs}` : ''}`;
}

/** One Twilio queue per department; calls of an organisation with no department wait in its own queue. Both fit Twilio's 64-character limit. */
export function voiceQueueName(departmentId: string | null, organizationId: string): string {
  return departmentId ? `dept-${departmentId}` : `org-${organizationId}`;
}

function say(target: { say: Response['say'] }, language: Language, text: string): void {
  target.say({ language: VOICE_LOCALE[language] }, text);
}

/** The greeting and the continuation-code prompt: the first thing every caller hears. */
export function greetingTwiml(publicUrl: string, language: Language, orgName: string, region: string): string {
  const r = new VoiceResponse();
  const p = promptsFor(language);
  say(r, language, `${p.welcome(orgName)} ${p.emergency(region)}`);
  codeGather(r, publicUrl, language, 1, p.codePrompt);
  return r.toString();
}

function codeGather(r: Response, publicUrl: string, language: Language, attempt: number, prompt: string): void {
  const gather = r.gather({
    input: ['dtmf', 'speech'],
    numDigits: CONTINUATION_CODE_LENGTH,
    finishOnKey: '#',
    timeout: 6,
    speechTimeout: 'auto',
    language: VOICE_LOCALE[language],
    hints: CODE_HINTS[language],
    // An empty answer (pound, or silence) still comes to the code step, which moves on to the menu.
    actionOnEmptyResult: true,
    action: voiceUrl(publicUrl, 'code', { lang: language, attempt }),
    method: 'POST',
  });
  say(gather, language, prompt);
}

/** A rejected code: say why, then ask once more. */
export function codeRetryTwiml(publicUrl: string, language: Language, reason: string, attempt: number): string {
  const r = new VoiceResponse();
  say(r, language, reason);
  codeGather(r, publicUrl, language, attempt, promptsFor(language).codeRetry);
  return r.toString();
}

/** The request-type menu, optionally preceded by a sentence (why we are here). */
export function menuTwiml(publicUrl: string, language: Language, attempt: number, preface?: string): string {
  const r = new VoiceResponse();
  if (preface) say(r, language, preface);
  const gather = r.gather({
    input: ['dtmf', 'speech'],
    numDigits: 1,
    timeout: 6,
    speechTimeout: 'auto',
    language: VOICE_LOCALE[language],
    hints: MENU_HINTS[language],
    actionOnEmptyResult: true,
    action: voiceUrl(publicUrl, 'menu', { lang: language, attempt }),
    method: 'POST',
  });
  say(gather, language, promptsFor(language).menu);
  const other = otherLanguage(language);
  say(gather, other, promptsFor(other).switchLanguage);
  return r.toString();
}

/**
 * Put the caller on hold in a department's queue; the wait step tells them where they stand.
 * With `detailsAttempt`, a short speech gather comes first: what the caller adds (a date of
 * birth, a medication) reaches the agent's card before they pick up. Silence falls through to
 * the queue.
 */
export function enqueueTwiml(publicUrl: string, language: Language, queueName: string, preface: string[], detailsAttempt?: number): string {
  const r = new VoiceResponse();
  for (const line of preface) say(r, language, line);
  if (detailsAttempt !== undefined) {
    const gather = r.gather({
      input: ['speech'],
      timeout: 4,
      speechTimeout: 'auto',
      language: VOICE_LOCALE[language],
      action: voiceUrl(publicUrl, 'details', { lang: language, attempt: detailsAttempt }),
      method: 'POST',
    });
    if (detailsAttempt === 1) say(gather, language, promptsFor(language).details);
  }
  r.enqueue(
    {
      action: voiceUrl(publicUrl, 'queue', { lang: language }),
      method: 'POST',
      waitUrl: voiceUrl(publicUrl, 'wait', { lang: language }),
      waitUrlMethod: 'POST',
    },
    queueName,
  );
  return r.toString();
}

/** Played in a loop while the caller waits: Twilio fetches it again each time it ends. */
export function waitTwiml(language: Language, position: number | null): string {
  const r = new VoiceResponse();
  const p = promptsFor(language);
  say(r, language, position && position > 0 ? `${p.position(position)} ${p.stayOnLine}` : p.stayOnLine);
  r.pause({ length: 20 });
  return r.toString();
}

/** Played just before the caller and the agent are bridged (only Say, Play, Pause and Redirect are allowed there). */
export function connectingTwiml(language: Language): string {
  const r = new VoiceResponse();
  say(r, language, promptsFor(language).connecting);
  return r.toString();
}

/**
 * What an agent's own call answers to take the next caller of a queue (for the agent
 * workspace): Twilio fetches the connect-agent URL before bridging, which pushes the case card.
 */
export function agentDequeueTwiml(publicUrl: string, queueName: string, agentId: string): string {
  const r = new VoiceResponse();
  r.dial().queue({ url: voiceUrl(publicUrl, 'connect-agent', { agentId }), method: 'POST' }, queueName);
  return r.toString();
}

export function sayAndHangUp(language: Language, lines: string[]): string {
  const r = new VoiceResponse();
  for (const line of lines) say(r, language, line);
  r.hangup();
  return r.toString();
}

/** The answer to a number nobody here owns: said in both languages, since we know nothing about the caller. */
export function notInServiceTwiml(): string {
  const r = new VoiceResponse();
  say(r, 'en', promptsFor('en').notInService);
  say(r, 'es', promptsFor('es').notInService);
  r.hangup();
  return r.toString();
}

/**
 * When something fails on our side mid-call: a caller of a known organisation still reaches a
 * person (its catch-all queue, Twilio's own hold music since our wait step may be what broke);
 * anyone else hears an apology.
 */
export function failSafeTwiml(language: Language, organizationId: string | null): string {
  const r = new VoiceResponse();
  const p = promptsFor(language);
  if (!organizationId) {
    say(r, language, p.troubleGoodbye);
    r.hangup();
    return r.toString();
  }
  say(r, language, p.troubleHold);
  r.enqueue(voiceQueueName(null, organizationId));
  r.hangup();
  return r.toString();
}

export function emptyTwiml(): string {
  return new VoiceResponse().toString();
}

/**
 * The virtual assistant's answer on the phone: its lines spoken in the caller's language, then
 * a new gather (speech or keypad) whose result comes back to the assistant step.
 */
export function assistantTwiml(publicUrl: string, language: Language, lines: string[], attempt: number): string {
  const r = new VoiceResponse();
  const gather = r.gather({
    input: ['dtmf', 'speech'],
    timeout: 6,
    speechTimeout: 'auto',
    language: VOICE_LOCALE[language],
    actionOnEmptyResult: true,
    action: voiceUrl(publicUrl, 'assistant', { lang: language, attempt }),
    method: 'POST',
  });
  for (const line of lines) say(gather, language, line);
  return r.toString();
}
