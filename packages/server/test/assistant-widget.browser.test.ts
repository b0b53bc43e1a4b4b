import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { and, asc, desc, eq } from 'drizzle-orm';
import { createUnderstanding } from '@carethread/assistant';
import { createAssistant } from '../src/assistant/index.ts';
import { loadDialogue } from '../src/assistant/store.ts';
import { seedScheduling } from '../src/scheduling/index.ts';
import { caseAlerts } from '../src/store/schema-assistant.ts';
import { routingOffers } from '../src/store/schema-routing.ts';
import { appointments, slots } from '../src/store/schema-scheduling.ts';
import { cases, chatSessions, departments, events, interactions, messages, organizations, staff } from '../src/store/schema.ts';
import { launchChromium, screenshotPath, widgetFocus } from './helpers/browser.ts';
import { createHarness, type Harness } from './helpers/harness.ts';

// The virtual assistant end to end, in real Chromium (issue 5): a patient types in the
// embeddable widget, the server's one path ingests it, the assistant answers, and the answer
// comes back over the widget's socket. The database is then checked for what really happened:
// the appointment, the conversation on the case, the facts ledger, the urgent escalation.
// Runs on PGlite, or on PostgreSQL with DATABASE_URL=postgres://…

let h: Harness;
let base: string;
let browser: Browser;
let staffIds: string[] = [];

/** The no-agent offer ("continue by text or email") is due this soon: it must not appear while the assistant answers. */
const AGENT_WAIT_SECONDS = 2;

beforeAll(async () => {
  h = await createHarness({ patients: 10 });
  // Slots from today on, in real time: the widget's lines carry the server's clock.
  await h.database.db.transaction((tx) => seedScheduling(tx, h.organizationId, { days: 21, seed: 5 }));
  // Attached exactly as startCarethread attaches it (the harness leaves it off by default).
  h.services.assistant = createAssistant(await createUnderstanding());
  const [org] = await h.database.db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, h.organizationId));
  await h.database.db
    .update(organizations)
    .set({ settings: { ...(org!.settings as Record<string, unknown>), webchatAgentWaitSeconds: AGENT_WAIT_SECONDS } })
    .where(eq(organizations.id, h.organizationId));
  staffIds = (await h.database.db.select({ id: staff.id }).from(staff).where(eq(staff.organizationId, h.organizationId))).map((r) => r.id);
  // Every agent available: a case the assistant handles must still be offered to nobody, an urgent one at once.
  // They speak English and Spanish, so a Spanish urgent case has someone to go to.
  for (const id of staffIds) {
    const put = (path: string, payload: object) => h.app.inject({ method: 'PUT', url: `/api/v1/agents/${id}/${path}`, headers: { authorization: `Bearer ${h.token}` }, payload });
    expect((await put('profile', { languages: ['en', 'es'] })).statusCode).toBe(200);
    expect((await put('presence', { presence: 'available' })).statusCode).toBe(200);
  }
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function register(p: { givenName: string; familyName: string; birthDate: string; language: 'en' | 'es' }): Promise<string> {
  const res = await h.post('/api/v1/patients', { givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate, language: p.language, identifiers: [] });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

// ---- the widget, driven as a patient would ----

interface Chat {
  context: BrowserContext;
  page: Page;
  lang: 'en' | 'es';
}

const WORDS = {
  en: { launcher: 'Chat with us', sent: 'Sent', assistant: 'Virtual assistant', message: 'Your message' },
  es: { launcher: 'Chatee con nosotros', sent: 'Enviado', assistant: 'Asistente virtual', message: 'Su mensaje' },
} as const;

/** Opens the clinic's page and the widget with the keyboard only: Tab to the launcher, Enter. */
async function openChat(lang: 'en' | 'es'): Promise<Chat> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 820 }, locale: lang === 'es' ? 'es-US' : 'en-US', timezoneId: 'America/New_York' });
  const page = await context.newPage();
  await page.goto(`${base}/demo/chat${lang === 'es' ? '?lang=es' : ''}`);
  await page.waitForSelector('[data-carethread-widget]', { state: 'attached' });
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = (await widgetFocus(page)) === 'launcher';
  }
  expect(reached, 'the launcher is reachable with Tab').toBe(true);
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: WORDS[lang].launcher }).waitFor();
  expect(await widgetFocus(page)).toBe('ct-input');
  return { context, page, lang };
}

const assistantBubbles = (page: Page) => page.locator('.msg:not(.mine):not(.system)');

/** The newest chat session and its case: the tests open one chat at a time, so it is this browser's. */
async function sessionOf(): Promise<{ interactionId: string; caseId: string }> {
  const [row] = await h.database.db
    .select({ interactionId: chatSessions.interactionId, caseId: interactions.caseId })
    .from(chatSessions)
    .innerJoin(interactions, eq(interactions.id, chatSessions.interactionId))
    .where(eq(chatSessions.organizationId, h.organizationId))
    .orderBy(desc(chatSessions.createdAt))
    .limit(1);
  expect(row?.caseId, 'the chat has a case').toBeTruthy();
  return { interactionId: row!.interactionId!, caseId: row!.caseId! };
}

/** What the assistant said on this chat, oldest first, as stored. */
async function storedAssistantLines(interactionId: string): Promise<string[]> {
  const rows = await h.database.db
    .select({ body: messages.body })
    .from(messages)
    .where(and(eq(messages.organizationId, h.organizationId), eq(messages.interactionId, interactionId), eq(messages.actor, 'assistant')))
    .orderBy(asc(messages.occurredAt), asc(messages.id));
  return rows.map((r) => r.body ?? '');
}

/**
 * Types a line with the keyboard and presses Enter, waits until the server acknowledged it
 * (the acknowledgement comes once the assistant's turn is stored), then until every reply the
 * assistant stored is on screen. Returns the new replies as the widget shows them.
 */
async function say(chat: Chat, text: string): Promise<string[]> {
  const { page, lang } = chat;
  const before = await assistantBubbles(page).count();
  const mine = page.locator('.msg.mine');
  const n = await mine.count();
  expect(await widgetFocus(page)).toBe('ct-input');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await expect.poll(() => mine.nth(n).locator('.meta').textContent(), { timeout: 15_000 }).toContain(WORDS[lang].sent);
  const { interactionId } = await sessionOf();
  const stored = await storedAssistantLines(interactionId);
  expect(stored.length, 'the assistant answered').toBeGreaterThan(before);
  await expect.poll(() => assistantBubbles(page).count(), { timeout: 15_000 }).toBe(stored.length);
  const shown: string[] = [];
  for (let i = before; i < stored.length; i++) {
    const bubble = assistantBubbles(page).nth(i);
    expect(await bubble.locator('.who').textContent()).toBe(WORDS[lang].assistant);
    shown.push((await bubble.locator('.text').textContent()) ?? '');
  }
  expect(shown).toEqual(stored.slice(before));
  return shown;
}

// ---- what the server recorded ----

async function eventsOf(caseId: string, kind: string): Promise<Array<Record<string, unknown>>> {
  const rows = await h.database.db
    .select({ data: events.data })
    .from(events)
    .where(and(eq(events.organizationId, h.organizationId), eq(events.caseId, caseId), eq(events.kind, kind)))
    .orderBy(asc(events.id));
  return rows.map((r) => r.data);
}

/** The facts ledger held: each fact asked at most once on the case, none asked that was already known, no repeat ask. */
async function expectNoRepeatAsk(caseId: string, neverAsked: string[]): Promise<string[]> {
  const asked = (await eventsOf(caseId, 'fact_asked')).map((e) => String(e.fact));
  expect(new Set(asked).size, `asked once each: ${asked.join(', ')}`).toBe(asked.length);
  for (const fact of neverAsked) expect(asked).not.toContain(fact);
  expect(await eventsOf(caseId, 'repeat_ask')).toEqual([]);
  return asked;
}

async function caseRow(caseId: string) {
  const [row] = await h.database.db.select().from(cases).where(and(eq(cases.organizationId, h.organizationId), eq(cases.id, caseId)));
  return row!;
}

/** The conversation a person opening the case sees (GET /cases/{id}/conversation): patient and assistant lines in order. */
async function conversationOf(caseId: string): Promise<Array<{ actor: string; text: string }>> {
  const res = await h.get(`/api/v1/cases/${caseId}/conversation`);
  expect(res.status).toBe(200);
  return (res.body.items as Array<{ type: string; actor?: string; body: string | null }>)
    .filter((i) => i.type === 'message')
    .map((i) => ({ actor: i.actor!, text: i.body ?? '' }));
}

/** Checks the offer box never appeared: the patient is being answered, by the assistant. */
async function expectNoAgentOffer(page: Page, lang: 'en' | 'es'): Promise<void> {
  const name = lang === 'es' ? 'Continuar por mensaje de texto' : 'Continue by text message';
  expect(await page.getByRole('button', { name }).count()).toBe(0);
}

// ---- the journeys ----

describe('booking an appointment through the widget', () => {
  it('English: asks only what it does not know, offers slots, books the one typed, confirms', async () => {
    const patientId = await register({ givenName: 'Grace', familyName: 'Holloway', birthDate: '1958-04-21', language: 'en' });
    const chat = await openChat('en');
    const { page } = chat;

    // The name is in the first line: the assistant must not ask for it.
    const first = (await say(chat, "Hi, my name is Grace Holloway. I'd like to book an appointment next Tuesday afternoon for a check-up.")).join(' ');
    expect(first).toMatch(/date of birth/i);
    expect(first).not.toMatch(/first name|last name|family name/i);
    const { caseId, interactionId } = await sessionOf();
    expect((await caseRow(caseId)).queueState).toBe('assistant');

    const offer = (await say(chat, 'April 21 1958')).join(' ');
    expect(offer).toMatch(/1\).*2\)/s);
    expect(offer).toMatch(/Tue/);
    const offered = (await loadDialogue(h.database.db, h.organizationId, caseId)).offered;
    expect(offered.length).toBeGreaterThanOrEqual(2);
    for (const slot of offered) expect(offer).toContain(slot.label);
    // Keyboard only, no clicks so far; the offer is announced through the log's live region.
    expect(await page.getByRole('log').getAttribute('aria-live')).toBe('polite');

    const confirm = (await say(chat, 'the second one please')).join(' ');
    expect(confirm).toContain(`You're booked: ${offered[1]!.label}`);
    await page.screenshot({ path: screenshotPath('assistant-widget-en.png') });

    const booked = await h.database.db.select().from(appointments).where(and(eq(appointments.organizationId, h.organizationId), eq(appointments.caseId, caseId)));
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ patientId, slotId: offered[1]!.id, status: 'booked', source: 'assistant' });
    const [slot] = await h.database.db.select().from(slots).where(eq(slots.id, offered[1]!.id));
    expect(new Date(slot!.start).toISOString()).toBe(new Date(booked[0]!.start).toISOString());
    const c = await caseRow(caseId);
    expect(c.patientId).toBe(patientId);
    expect(await eventsOf(caseId, 'assistant_completed')).toEqual([expect.objectContaining({ task: 'schedule' })]);
    // Offered to nobody although agents are available.
    expect(await h.database.db.select().from(routingOffers).where(eq(routingOffers.caseId, caseId))).toEqual([]);

    const asked = await expectNoRepeatAsk(caseId, ['givenName', 'familyName']);
    expect(asked).toContain('birthDate');

    const conversation = await conversationOf(caseId);
    const patientLines = conversation.filter((l) => l.actor === 'patient').map((l) => l.text);
    expect(patientLines).toEqual([
      "Hi, my name is Grace Holloway. I'd like to book an appointment next Tuesday afternoon for a check-up.",
      'April 21 1958',
      'the second one please',
    ]);
    expect(conversation.filter((l) => l.actor === 'assistant').map((l) => l.text)).toEqual(await storedAssistantLines(interactionId));

    await expectNoAgentOffer(page, 'en');
    await chat.context.close();
  });

  it('Spanish: the widget and the assistant answer in Spanish, and the booking is made', async () => {
    const patientId = await register({ givenName: 'Rosa', familyName: 'Delgado', birthDate: '1972-11-08', language: 'es' });
    const chat = await openChat('es');
    const { page } = chat;
    expect(await page.getByText(WORDS.es.message, { exact: true }).isVisible()).toBe(true);

    const first = (await say(chat, 'Hola, necesito una cita para un chequeo el jueves que viene por la mañana')).join(' ');
    // Name first (one fact at a time), in Spanish.
    expect(first).toMatch(/nombre/i);
    const { caseId } = await sessionOf();

    let said = first;
    const answers: Record<string, string> = { givenName: 'Rosa', familyName: 'Delgado', birthDate: '8 de noviembre de 1972' };
    for (let turn = 0; turn < 4 && !/1\)/.test(said); turn++) {
      const state = await loadDialogue(h.database.db, h.organizationId, caseId);
      const awaited = state.awaiting?.kind === 'fact' ? state.awaiting.fact : null;
      expect(awaited && answers[awaited], `the assistant waits for a fact it was told about: ${awaited}`).toBeTruthy();
      said = (await say(chat, answers[awaited!]!)).join(' ');
    }
    expect(said).toMatch(/1\).*2\)/s);
    expect(said).toMatch(/jue/i);
    const offered = (await loadDialogue(h.database.db, h.organizationId, caseId)).offered;
    expect(offered.length).toBeGreaterThanOrEqual(1);

    const confirm = (await say(chat, 'la primera')).join(' ');
    expect(confirm).toContain(`Su cita quedó reservada: ${offered[0]!.label}`);
    expect(confirm).not.toMatch(/\b(your|booked|appointment)\b/i);
    await page.screenshot({ path: screenshotPath('assistant-widget-es.png') });

    const booked = await h.database.db.select().from(appointments).where(and(eq(appointments.organizationId, h.organizationId), eq(appointments.caseId, caseId)));
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ patientId, slotId: offered[0]!.id, status: 'booked', source: 'assistant' });
    await expectNoRepeatAsk(caseId, []);
    const conversation = await conversationOf(caseId);
    expect(conversation.filter((l) => l.actor === 'patient')).toHaveLength(5);
    expect(conversation.filter((l) => l.actor === 'assistant').length).toBeGreaterThanOrEqual(5);

    await expectNoAgentOffer(page, 'es');
    await chat.context.close();
  });
});

describe('urgent symptoms in the widget', () => {
  for (const [lang, text, guidance] of [
    ['en', 'I have chest pain and trouble breathing', /911|emergency/i],
    ['es', 'Tengo un dolor muy fuerte en el pecho y me falta el aire', /911|emergencia/i],
  ] as const) {
    it(`${lang}: emergency guidance at once, the case goes to a person, no routine booking`, async () => {
      const chat = await openChat(lang);
      const replies = await say(chat, text);
      // The first thing the assistant says is the guidance, and it is on screen.
      expect(replies[0]).toMatch(guidance);
      expect(await assistantBubbles(chat.page).first().locator('.text').textContent()).toMatch(guidance);
      if (lang === 'es') expect(replies.join(' ')).not.toMatch(/\b(call|please|you)\b/i);

      const { caseId } = await sessionOf();
      const c = await caseRow(caseId);
      expect(c.queueState).toBe('queued');
      const alerts = await h.database.db.select().from(caseAlerts).where(and(eq(caseAlerts.organizationId, h.organizationId), eq(caseAlerts.caseId, caseId)));
      expect(alerts).toEqual([expect.objectContaining({ kind: 'urgent_symptoms', priority: 'urgent' })]);
      const [dept] = await h.database.db.select({ slug: departments.slug }).from(departments).where(eq(departments.id, c.departmentId!));
      expect(dept!.slug).toBe('nursing');
      expect(await eventsOf(caseId, 'urgent_escalation')).toHaveLength(1);
      // Offered to a person at once (agents are available), as urgent.
      const offers = await h.database.db.select().from(routingOffers).where(eq(routingOffers.caseId, caseId));
      expect(offers.length).toBeGreaterThanOrEqual(1);
      const card = await h.get(`/api/v1/cases/${caseId}/context`);
      expect(card.body.case).toMatchObject({ priority: 'urgent', assistant: { mode: 'urgent', handoffReason: 'urgent' } });

      // A routine request now gets no booking dialogue: the assistant stays quiet, a person has it.
      const before = await assistantBubbles(chat.page).count();
      await chat.page.keyboard.type(lang === 'es' ? 'Quiero una cita para el martes' : 'Can I book an appointment for Tuesday?');
      await chat.page.keyboard.press('Enter');
      await expect.poll(() => chat.page.locator('.msg.mine').nth(1).locator('.meta').textContent(), { timeout: 15_000 }).toContain(WORDS[lang].sent);
      const { interactionId } = await sessionOf();
      const stored = await storedAssistantLines(interactionId);
      expect(stored).toHaveLength(before);
      expect(await assistantBubbles(chat.page).count()).toBe(before);
      expect(await eventsOf(caseId, 'fact_asked')).toEqual([]);
      expect((await loadDialogue(h.database.db, h.organizationId, caseId)).offered).toEqual([]);
      await chat.page.screenshot({ path: screenshotPath(`assistant-widget-urgent-${lang}.png`) });
      await chat.context.close();
    });
  }
});

describe('keyboard and screen reader', () => {
  it('the conversation works with the keyboard only, new replies are announced, and axe finds nothing serious', async () => {
    const chat = await openChat('en');
    const { page } = chat;
    // The log is a polite live region: what the assistant adds to it is read out.
    const log = page.getByRole('log', { name: 'Conversation' });
    expect(await log.getAttribute('aria-live')).toBe('polite');
    const replies = await say(chat, 'I need to book an appointment');
    expect(replies.length).toBeGreaterThan(0);
    // The reply is inside the live region, with who said it.
    const last = log.locator('.msg:not(.mine)').last();
    expect(await last.textContent()).toContain('Virtual assistant');
    expect(await last.textContent()).toContain(replies.at(-1)!);
    // Focus stayed in the composer: the next answer can be typed at once.
    expect(await widgetFocus(page)).toBe('ct-input');

    // Tab moves through the dialog's controls and stays inside; Escape closes and returns to the launcher.
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      const focus = await widgetFocus(page);
      expect(focus).not.toBeNull();
      seen.add(focus!);
    }
    expect(seen).toContain('ct-input');
    expect(seen).toContain('log');

    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(false);
    expect(await widgetFocus(page)).toBe('launcher');
    await chat.context.close();
  });
});
