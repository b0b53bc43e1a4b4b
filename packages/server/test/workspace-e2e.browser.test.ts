import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import twilio from 'twilio';
import { DEMO_PHONE_NUMBER } from '../src/index.ts';
import { launchChromium, screenshotPath } from './helpers/browser.ts';
import { createHarness, type Harness } from './helpers/harness.ts';
import { ensureFreshWebBuild, expectAccessible, put, signIn, staffByName, staffToken } from './helpers/workspace.ts';

// The headline proof of the agent workspace: a patient chats in the real widget, gives their
// name and date of birth, asks to continue by phone; a Twilio voice webhook signed with the real
// library arrives with the continuation code; the agent who handled the chat is offered the call
// in the workspace with the chat and the facts on screen, accepts, and transfers to a colleague
// whose workspace shows the same facts. Real server, real database, real Chromium.

const PUBLIC_URL = 'https://carethread.example.org';
const AUTH_TOKEN = 'workspace-e2e-auth-token';
const VOICE = '/channels/twilio/voice';
/** Fictional caller: +1 XXX 555-01XX. */
const CALLER = '+13125550147';
const CALL_SID = 'CA00000000000000000000000000e2e001';

let h: Harness;
let base: string;
let browser: Browser;
let staff: Record<string, string>;

async function twilioPost(pathAndQuery: string, form: Record<string, string>): Promise<string> {
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${pathAndQuery}`, form);
  const res = await h.app.inject({
    method: 'POST',
    url: pathAndQuery,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    payload: new URLSearchParams(form).toString(),
  });
  expect(res.statusCode).toBe(200);
  return res.body;
}

function callForm(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: 'AC00000000000000000000000000000000',
    ApiVersion: '2010-04-01',
    CallSid: CALL_SID,
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: CALLER,
    To: DEMO_PHONE_NUMBER,
    ToCountry: 'US',
    ...extra,
  };
}

async function workspaceFor(staffId: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, locale: 'en-US', timezoneId: 'America/New_York' });
  const page = await context.newPage();
  await signIn(page, base, await staffToken(h, staffId));
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  return { context, page };
}

beforeAll(async () => {
  await ensureFreshWebBuild();
  h = await createHarness({ patients: 10 });
  h.services.settings = { ...h.services.settings, publicUrl: PUBLIC_URL, twilio: { ...h.services.settings.twilio, authToken: AUTH_TOKEN } };
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
  staff = await staffByName(h);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('chat → phone → same agent → transfer, in real browsers', () => {
  it('keeps the patient, the history and the facts in front of whoever answers', async () => {
    // The agent who will handle the chat is available; the colleague is not taking work yet.
    const alex = await workspaceFor(staff.Alex!);
    await alex.page.getByLabel('My status').selectOption('available');
    await expect.poll(async () => (await h.get(`/api/v1/agents/${staff.Alex}`)).body.presence).toBe('available');

    // 1. The patient chats in the real widget on the demo page.
    const patient = await browser.newContext({ viewport: { width: 1100, height: 820 }, locale: 'en-US', timezoneId: 'America/New_York' });
    const chat = await patient.newPage();
    await chat.goto(`${base}/demo/chat`);
    await chat.getByRole('button', { name: 'Chat with us' }).click();
    const input = chat.getByLabel('Your message');
    await input.fill('I need a refill of my lisinopril please.');
    await input.press('Enter');
    await expect.poll(() => chat.locator('.msg.mine').count()).toBe(1);
    await input.fill('My name is Maria Lopez and my date of birth is 03/14/1961.');
    await input.press('Enter');
    await expect.poll(() => chat.locator('.msg.mine').count()).toBe(2);

    // 2. The chat is offered to Alex live; Alex accepts it in the workspace.
    const offers = alex.page.getByRole('list', { name: 'Offers' });
    await offers.waitFor({ timeout: 15_000 });
    await alex.page.getByRole('button', { name: /^Accept/ }).first().click();
    await alex.page.waitForURL('**/app/cases/*');
    const caseId = new URL(alex.page.url()).pathname.split('/').pop()!;
    await expect.poll(() => alex.page.getByRole('list', { name: 'Messages' }).textContent()).toContain('date of birth is 03/14/1961');
    await alex.page.getByLabel('Reply to the patient').fill('Hello Maria, I can help with that refill.');
    await alex.page.getByRole('button', { name: 'Send by Chat' }).click();
    await expect.poll(() => chat.getByRole('dialog').textContent()).toContain('I can help with that refill');

    // 3. The patient asks to continue by phone and gets a code.
    await chat.getByRole('button', { name: 'Continue by phone' }).click();
    const codeEl = chat.locator('.code span[aria-hidden="true"]');
    await expect.poll(() => codeEl.textContent()).toMatch(/^\d{8}$/);
    const code = (await codeEl.textContent())!;

    // Back to the inbox, as an agent between contacts would be.
    await alex.page.getByRole('link', { name: 'Inbox' }).click();

    // 4. The phone call: a signed Twilio webhook, then the keyed code at the IVR's prompt.
    const greeting = await twilioPost(VOICE, callForm());
    const action = /<Gather[^>]*action="([^"]+)"/.exec(greeting)?.[1]?.replace(/&amp;/g, '&');
    expect(action?.startsWith(`${PUBLIC_URL}${VOICE}`)).toBe(true);
    await twilioPost(action!.slice(PUBLIC_URL.length), callForm({ CallStatus: 'in-progress', Digits: code }));

    // 5. The same agent is offered the call, with the chat history on the offer.
    const offer = alex.page.getByRole('list', { name: 'Offers' }).locator('li').filter({ hasText: 'Phone' });
    await offer.waitFor({ timeout: 15_000 });
    expect(await offer.textContent()).toContain('You handled this before');
    await expectAccessible(alex.page, 'offer of the call');
    await alex.page.screenshot({ path: screenshotPath('workspace-e2e-call-offer-en.png') });
    await offer.getByRole('button', { name: /^Accept/ }).click();
    await alex.page.waitForURL(`**/app/cases/${caseId}`);

    // The conversation shows the chat, the call is the current channel, the facts are on the card.
    const thread = alex.page.getByRole('list', { name: 'Messages' });
    await expect.poll(() => thread.textContent()).toContain('I need a refill of my lisinopril please.');
    expect(await thread.textContent()).toContain('My name is Maria Lopez');
    await expect.poll(() => alex.page.locator('.case-head .badge.current').textContent()).toContain('Phone');
    expect(await thread.locator('.badge.ch-webchat').count()).toBeGreaterThan(0);
    const card = alex.page.getByRole('complementary', { name: 'Context' });
    await expect.poll(() => card.textContent()).toContain('1961-03-14');
    expect(await card.textContent()).toMatch(/date of birth/i);
    expect((await h.get(`/api/v1/cases/${caseId}/conversation`)).body.currentChannel).toBe('voice');

    // 6. Alex transfers the call to Jordan with a handover note.
    await put(h, `/api/v1/agents/${staff.Jordan}/presence`, { presence: 'available' });
    const jordan = await workspaceFor(staff.Jordan!);
    await alex.page.getByRole('button', { name: 'Transfer' }).click();
    const dialog = alex.page.getByRole('dialog', { name: 'Transfer case' });
    await dialog.getByLabel('Agent', { exact: true }).selectOption(staff.Jordan!);
    await dialog.getByLabel('Handover note').fill('Maria Lopez, refill of lisinopril; name and date of birth given in chat.');
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await alex.page.waitForURL('**/app/');

    // 7. Jordan's workspace shows the case with the note, and the same facts once opened.
    const jordanInbox = jordan.page.locator('.inbox');
    await expect.poll(() => jordanInbox.textContent(), { timeout: 15_000 }).toContain('Handover: Maria Lopez, refill of lisinopril');
    const accept = jordan.page.getByRole('button', { name: /^Accept/ });
    if (await accept.count()) await accept.first().click();
    else await jordan.page.locator(`a[href="/app/cases/${caseId}"]`).first().click();
    await jordan.page.waitForURL(`**/app/cases/${caseId}`);
    const jordanCard = jordan.page.getByRole('complementary', { name: 'Context' });
    await expect.poll(() => jordanCard.textContent()).toContain('1961-03-14');
    const jordanThread = jordan.page.getByRole('list', { name: 'Messages' });
    await expect.poll(() => jordanThread.textContent()).toContain('My name is Maria Lopez');
    expect(await jordanThread.locator('.item.note.handover').textContent()).toContain('name and date of birth given in chat');
    await expectAccessible(jordan.page, 'colleague after transfer');
    await jordan.page.screenshot({ path: screenshotPath('workspace-e2e-after-transfer-en.png') });

    await Promise.all([alex.context.close(), jordan.context.close(), patient.close()]);
  });
});
