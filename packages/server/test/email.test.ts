import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { connect, type AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createHarness, type Harness } from './helpers/harness.ts';
import { endpointsOf, replyOnCase } from '../src/index.ts';
import { cases, events, interactions, messages, outbox } from '../src/store/schema.ts';
import { PermanentDeliveryError, type OutboundItem } from '../src/outbox/transport.ts';
import { startOutboxWorker } from '../src/outbox/worker.ts';
import { classifyMail, emailTransport, originalMessageIds, replyTokenOf, startSmtpInbound, stripQuotedReply, type EmailTransport, type SmtpInbound } from '../src/channels/email/index.ts';

// ---------------------------------------------------------------------------------------------
// Pure rules: what is new in a reply, and what is machine mail.
// ---------------------------------------------------------------------------------------------

describe('stripQuotedReply', () => {
  it('drops a Gmail quote whose header wraps over two lines, and the signature', () => {
    const text = [
      'Hi, could I move my appointment to Thursday morning?',
      '',
      'Thanks,',
      'Ana',
      '-- ',
      'Ana Example',
      'Tel. 555-0142',
      '',
      'On Mon, Nov 2, 2026 at 9:00 AM Riverside Health <care@demo.carethread.local>',
      'wrote:',
      '',
      '> Your appointment is on Tuesday at 10:00.',
      '> Reply to this message to change it.',
    ].join('\n');
    expect(stripQuotedReply(text)).toBe('Hi, could I move my appointment to Thursday morning?\n\nThanks,\nAna');
  });

  it('drops a Spanish Gmail quote ("El … escribió:") and "Enviado desde mi iPhone"', () => {
    const text = [
      'Necesito renovar mi receta de metformina.',
      '',
      'Enviado desde mi iPhone',
      '',
      'El lun, 2 nov 2026 a las 9:00, Clínica Ejemplo (<care@demo.carethread.local>) escribió:',
      '> Hola, ¿en qué podemos ayudarle?',
    ].join('\r\n');
    expect(stripQuotedReply(text)).toBe('Necesito renovar mi receta de metformina.');
  });

  it('cuts at Outlook "-----Original Message-----"', () => {
    const text = 'Yes, 3 pm works for me.\n\n-----Original Message-----\nFrom: Riverside Health\nSent: Monday, November 2, 2026 9:00 AM\nTo: Ana\nSubject: Appointment\n\nWould 3 pm work?';
    expect(stripQuotedReply(text)).toBe('Yes, 3 pm works for me.');
  });

  it('cuts at an Outlook "From: … Sent: …" block under a line of underscores', () => {
    const text = [
      'Please send me a copy of my lab results.',
      '',
      '________________________________',
      'From: Riverside Health <care@demo.carethread.local>',
      'Sent: Monday, November 2, 2026 9:00 AM',
      'To: Ana Example <ana@example.org>',
      'Subject: Your results',
      '',
      'Your results are ready.',
    ].join('\n');
    expect(stripQuotedReply(text)).toBe('Please send me a copy of my lab results.');
  });

  it('cuts at a Spanish Outlook "De: … Enviado: …" block and "-----Mensaje original-----"', () => {
    expect(stripQuotedReply('Gracias, allí estaré.\n\nDe: Clínica <care@demo.carethread.local>\nEnviado: lunes, 2 de noviembre de 2026 9:00\nPara: Ana\nAsunto: Cita\n\nSu cita es el martes.')).toBe(
      'Gracias, allí estaré.',
    );
    expect(stripQuotedReply('Sí, confirmo.\n-----Mensaje original-----\nDe: Clínica\nTexto viejo')).toBe('Sí, confirmo.');
  });

  it('cuts at a flattened one-line "From: … Sent: …" header (HTML converted to text)', () => {
    expect(stripQuotedReply('Thank you!\n\n*From:* Riverside Health *Sent:* Monday 9:00 *To:* Ana\nOld text')).toBe('Thank you!');
  });

  it('keeps text written under the quote (bottom-posting) and drops interleaved ">" lines', () => {
    const text = 'On Tue, Nov 3, 2026, Riverside Health <care@demo.carethread.local> wrote:\n> Which pharmacy should we use?\n\nThe one on Main Street, please.';
    expect(stripQuotedReply(text)).toBe('The one on Main Street, please.');
  });

  it('treats text after a reply header that is not ">"-quoted as history', () => {
    expect(stripQuotedReply('Confirmed.\n\nOn Tue, Nov 3, 2026 Riverside Health wrote:\nWhich pharmacy should we use?')).toBe('Confirmed.');
  });

  it('leaves a message with no quote or signature alone, including lines that merely start with "On"', () => {
    const text = 'On Monday I felt dizzy after the new dose.\nSent from my phone earlier: it is worse today.\nEl martes también.';
    expect(stripQuotedReply(text)).toBe(text);
  });

  it('handles "Sent from my iPhone" and "Get Outlook for Android" footers, and a bare "--"', () => {
    expect(stripQuotedReply('Call me back please\n\nSent from my iPhone')).toBe('Call me back please');
    expect(stripQuotedReply('Llámenme por favor\n\nObtener Outlook para Android')).toBe('Llámenme por favor');
    expect(stripQuotedReply('Bill question\n--\nAna')).toBe('Bill question');
  });
});

describe('stripQuotedReply properties', () => {
  it('never keeps a quoted line and leaves plain prose untouched', () => {
    const line = fc.string({ maxLength: 60 }).map((l) => l.replace(/[\r\n]/g, ' '));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const out = stripQuotedReply(lines.join('\n'));
        expect(out.split('\n').some((l) => /^\s*>/.test(l))).toBe(false);
      }),
    );
    const prose = fc.array(fc.stringMatching(/^[A-Za-z][A-Za-z ,.?]{0,40}[a-z.?]$/), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(prose, (lines) => {
        fc.pre(!lines.some((l) => /^(On|El|From|De|Sent from my|Enviado desde mi|Get Outlook|Obtener Outlook)\b/i.test(l)));
        expect(stripQuotedReply(lines.join('\n'))).toBe(lines.map((l) => l.trimEnd()).join('\n').trim());
      }),
    );
  });

  it('copes with pathological input (huge lines, thousands of delimiters and blank lines)', () => {
    const huge = `${' '.repeat(200_000)}x\n${'--\n'.repeat(50_000)}${'\n'.repeat(50_000)}On ${'a'.repeat(100_000)}\n> q`;
    expect(typeof stripQuotedReply(huge)).toBe('string');
  });
});

describe('classifyMail', () => {
  const base = { headers: {} as Record<string, string> };
  it('tells delivery reports, mailer-daemons and null senders as bounces', () => {
    expect(classifyMail({ ...base, headers: { 'content-type': 'multipart/report; report-type=delivery-status; boundary="x"' } }).kind).toBe('bounce');
    expect(classifyMail({ ...base, fromAddress: 'MAILER-DAEMON@mx.example.net' }).kind).toBe('bounce');
    expect(classifyMail({ ...base, fromAddress: 'postmaster@example.com' }).kind).toBe('bounce');
    expect(classifyMail({ ...base, envelopeFrom: '', fromAddress: 'someone@example.org' }).kind).toBe('bounce');
  });
  it('tells auto-replies by header and by subject, and not a patient who mentions the office', () => {
    expect(classifyMail({ ...base, headers: { 'auto-submitted': 'auto-replied' } }).kind).toBe('auto_reply');
    expect(classifyMail({ ...base, headers: { 'auto-submitted': 'no' } }).kind).toBe('message');
    expect(classifyMail({ ...base, headers: { 'x-autoreply': 'yes' } }).kind).toBe('auto_reply');
    expect(classifyMail({ ...base, headers: { 'x-auto-response-suppress': 'All' } }).kind).toBe('auto_reply');
    expect(classifyMail({ ...base, headers: { precedence: 'bulk' } }).kind).toBe('auto_reply');
    expect(classifyMail({ ...base, subject: 'Out of Office: Re: your appointment' }).kind).toBe('auto_reply');
    expect(classifyMail({ ...base, subject: 'Fuera de la oficina' }).kind).toBe('auto_reply');
    expect(classifyMail({ ...base, subject: 'Automatic reply: Appointment' }).kind).toBe('auto_reply');
    expect(classifyMail({ ...base, subject: 'Out of office note needed for my employer' }).kind).toBe('message');
    // A vacation responder with a null return path is still an auto-reply, not a bounce.
    expect(classifyMail({ envelopeFrom: '', headers: { 'auto-submitted': 'auto-replied' } }).kind).toBe('auto_reply');
  });
  it('finds the original Message-ID in a report, carethread ids first', () => {
    const body = 'Final-Recipient: rfc822; a@example.org\n\nReferences: <outbox-1.AAAA@demo.carethread.local>\nMessage-ID: <outbox-7.BBBB@demo.carethread.local>\n';
    expect(originalMessageIds(body)[0]).toBe('<outbox-7.BBBB@demo.carethread.local>');
    expect(replyTokenOf('reply+Ab_9-x@demo.carethread.local')).toBe('Ab_9-x');
    expect(replyTokenOf('care@demo.carethread.local')).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Real SMTP both ways against a real app and database.
// ---------------------------------------------------------------------------------------------

let h: Harness;
let inbound: SmtpInbound;
let domain: string;
let patientMailer: ReturnType<typeof nodemailer.createTransport>;
let transport: EmailTransport;

/** A local SMTP server standing in for the outbound relay: it keeps what it is given. */
const sink = {
  server: null as SMTPServer | null,
  port: 0,
  received: [] as Array<{ rcpt: string[]; mailFrom: string; raw: Buffer }>,
};

async function countCases(): Promise<number> {
  const r = await h.database.db.execute(sql`select count(*)::int as n from cases`);
  const list = (Array.isArray(r) ? r : (r as { rows: Array<{ n: number }> }).rows) as Array<{ n: number }>;
  return list[0]!.n;
}

async function messageByRef(ref: string) {
  const [row] = await h.database.db.select().from(messages).where(eq(messages.providerRef, ref));
  return row;
}

async function interactionOf(id: string) {
  const [row] = await h.database.db.select().from(interactions).where(eq(interactions.id, id));
  return row!;
}

function send(mail: Parameters<typeof patientMailer.sendMail>[0]) {
  return patientMailer.sendMail(mail);
}

async function outboundItem(outboxId: number): Promise<OutboundItem> {
  const [row] = await h.database.db.select().from(outbox).where(eq(outbox.id, outboxId));
  return {
    id: row!.id,
    organizationId: row!.organizationId,
    channel: row!.channel,
    toAddress: row!.toAddress,
    payload: row!.payload,
    idempotencyKey: row!.idempotencyKey,
    attempts: row!.attempts + 1,
  };
}

async function lastSunk(): Promise<ParsedMail> {
  return simpleParser(sink.received[sink.received.length - 1]!.raw);
}

/**
 * Ana writes in about a refill: a case of this test's own (a fresh sender and Message-ID), so
 * no test continues the case another test opened.
 */
let anaCases = 0;
async function anaWritesIn(): Promise<{ caseId: string; address: string; messageId: string }> {
  const n = ++anaCases;
  const address = `ana.example.${n}@example.org`;
  const messageId = `<first-${n}@example.org>`;
  const info = await send({
    from: `"Ana Example" <${address}>`,
    to: `care@${domain}`,
    subject: 'Prescription refill',
    messageId,
    text: [
      'Hello, I need a refill of my lisinopril please.',
      '',
      'Thanks,',
      'Ana',
      '-- ',
      'Ana Example',
      '',
      'On Mon, Nov 2, 2026 at 9:00 AM Billing <billing@example.com> wrote:',
      '> Your invoice 123 is due, please pay your bill.',
    ].join('\n'),
  });
  expect(info.accepted).toEqual([`care@${domain}`]);
  const msg = await messageByRef(messageId);
  expect(msg?.caseId).toBeTruthy();
  return { caseId: msg!.caseId!, address, messageId };
}

/** An agent's reply on the case, sent to the relay by the outbox worker: its Message-ID. */
async function replySentByWorker(caseId: string, text: string): Promise<string> {
  const reply = await replyOnCase(h.services, h.organizationId, caseId, { text, actor: 'agent' });
  const worker = startOutboxWorker(h.services, [transport], { autoStart: false });
  while ((await worker.runOnce()) > 0);
  await worker.stop();
  const [row] = await h.database.db.select().from(outbox).where(eq(outbox.id, reply.outboxId!));
  expect(row!.status).toBe('sent');
  return row!.providerRef!;
}

beforeAll(async () => {
  h = await createHarness({ patients: 20 });
  domain = (await endpointsOf(h.database.db, h.organizationId, 'email'))[0]!.address;
  inbound = await startSmtpInbound(h.services, { port: 0, host: '127.0.0.1' });
  patientMailer = nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true });

  sink.server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('gone@')) return callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
      if (address.address.startsWith('busy@')) return callback(Object.assign(new Error('4.2.1 Mailbox busy, try later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        sink.received.push({ rcpt: session.envelope.rcptTo.map((r) => r.address), mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', raw: Buffer.concat(chunks) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => sink.server!.listen(0, '127.0.0.1', () => resolve()));
  sink.port = (sink.server.server.address() as AddressInfo).port;
  h.services.settings.email.relayUrl = `smtp://127.0.0.1:${sink.port}`;
  transport = emailTransport(h.services);
});

afterAll(async () => {
  transport?.close();
  patientMailer?.close();
  await inbound?.close();
  await new Promise<void>((resolve) => (sink.server ? sink.server.close(() => resolve()) : resolve()));
  await h?.close();
});

describe('inbound SMTP', () => {
  it('opens a case from a new message and keeps only the new text', async () => {
    const ana = await anaWritesIn();
    const msg = await messageByRef(ana.messageId);
    expect(msg).toBeTruthy();
    expect(msg!.body).toBe('Hello, I need a refill of my lisinopril please.\n\nThanks,\nAna');
    expect(msg!.subject).toBe('Prescription refill');
    expect(msg!.channel).toBe('email');
    const [caseRow] = await h.database.db.select().from(cases).where(eq(cases.id, msg!.caseId!));
    expect(caseRow!.requestType).toBe('prescription');
  });

  it('sends the reply through the relay with threading headers, Reply-To token and intact Spanish', async () => {
    const { caseId, address, messageId } = await anaWritesIn();
    const reply = await replyOnCase(h.services, h.organizationId, caseId, {
      text: 'Hola Ana: su receta está lista en la farmacia. ¿Algo más? Señal, niño, acción.',
      actor: 'agent',
    });
    expect(reply.outboxId).not.toBeNull();
    const item = await outboundItem(reply.outboxId!);
    const before = sink.received.length;
    const result = await transport.send(item);
    expect(sink.received.length).toBe(before + 1);
    const mail = await lastSunk();
    const [caseRow] = await h.database.db.select().from(cases).where(eq(cases.id, caseId));

    expect(result.providerRef).toMatch(new RegExp(`^<outbox-${item.id}\\.[A-Za-z0-9_-]+@${domain.replace(/\./g, '\\.')}>$`));
    expect(mail.messageId).toBe(result.providerRef);
    expect(mail.from!.value[0]).toMatchObject({ address: `care@${domain}`, name: 'Riverside Health (demo)' });
    expect(mail.replyTo!.value[0]!.address).toBe(`reply+${caseRow!.replyToken}@${domain}`);
    expect(mail.inReplyTo).toBe(messageId);
    expect(([] as string[]).concat(mail.references ?? [])).toContain(messageId);
    expect(mail.subject).toBe('Re: Prescription refill');
    expect(mail.text!.trim()).toBe('Hola Ana: su receta está lista en la farmacia. ¿Algo más? Señal, niño, acción.');
    expect(sink.received.at(-1)!.rcpt).toEqual([address]);

    // A retry is the same message to the receiving server.
    const again = await transport.send(item);
    expect(again.providerRef).toBe(result.providerRef);
    expect((await lastSunk()).messageId).toBe(result.providerRef);
  });

  it('delivers through the outbox worker, and a reply quoting our Message-ID lands on the same case', async () => {
    const { caseId, messageId } = await anaWritesIn();
    const sentMessageId = await replySentByWorker(caseId, 'Do you also need a refill of your inhaler?');
    expect((await lastSunk()).messageId).toBe(sentMessageId);

    // The patient answers from another address, to the plain address, keeping only References.
    await send({
      from: 'ana.work@example.com',
      to: `care@${domain}`,
      subject: 'Re: Prescription refill',
      messageId: '<answer-2@example.com>',
      inReplyTo: sentMessageId,
      references: [messageId, sentMessageId],
      text: `No thanks, just the lisinopril.\n\nOn Tue, Nov 3, 2026 Riverside Health <care@${domain}> wrote:\n> Do you also need a refill of your inhaler?`,
    });
    const msg = await messageByRef('<answer-2@example.com>');
    expect(msg!.caseId).toBe(caseId);
    expect(msg!.body).toBe('No thanks, just the lisinopril.');
    expect((await interactionOf(msg!.interactionId)).joinedBy).toBe('reply_token');
  });

  it('threads a mail to reply+<token>@ onto that case; a plain new mail opens another', async () => {
    const { caseId } = await anaWritesIn();
    const [caseRow] = await h.database.db.select().from(cases).where(eq(cases.id, caseId));
    await send({
      from: 'carer.of.ana@example.net',
      to: `reply+${caseRow!.replyToken}@${domain}`,
      subject: 'About my mother',
      messageId: '<token-3@example.net>',
      text: 'Can I pick up the prescription for her?',
    });
    expect((await messageByRef('<token-3@example.net>'))!.caseId).toBe(caseId);

    await send({ from: 'luis.sample@example.net', to: `care@${domain}`, subject: 'Bill', messageId: '<other-4@example.net>', text: 'I have a question about my bill, I was charged twice.' });
    const other = await messageByRef('<other-4@example.net>');
    expect(other!.caseId).not.toBe(caseId);
    const [otherCase] = await h.database.db.select().from(cases).where(eq(cases.id, other!.caseId!));
    expect(otherCase!.requestType).toBe('billing');
  });

  it('a bounce of our mail opens no case and settles the outbox row as dead', async () => {
    const { caseId, address, messageId } = await anaWritesIn();
    const sentMessageId = await replySentByWorker(caseId, 'Your refill is ready.');
    const casesBefore = await countCases();
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
      `To: care@${domain}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <bounce-5@mx.example.net>',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B5"',
      '',
      '--B5',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Your message could not be delivered: 550 5.1.1 user unknown.',
      '',
      '--B5',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.net',
      '',
      `Final-Recipient: rfc822; ${address}`,
      'Action: failed',
      'Status: 5.1.1',
      '',
      '--B5',
      'Content-Type: text/rfc822-headers',
      '',
      `From: Riverside Health <care@${domain}>`,
      `References: ${messageId}`,
      `Message-ID: ${sentMessageId}`,
      'Subject: Re: Prescription refill',
      '',
      '--B5--',
      '',
    ].join('\r\n');
    const info = await send({ envelope: { from: '', to: [`care@${domain}`] }, raw: dsn });
    expect(info.response).toMatch(/delivery report/);
    expect(await countCases()).toBe(casesBefore);
    expect(await messageByRef('<bounce-5@mx.example.net>')).toBeUndefined();
    const [row] = await h.database.db.select().from(outbox).where(eq(outbox.providerRef, sentMessageId));
    expect(row!.status).toBe('dead');
    const recorded = await h.database.db
      .select()
      .from(events)
      .where(and(eq(events.organizationId, h.organizationId), eq(events.kind, 'delivery_status')));
    expect(recorded.some((e) => e.data.status === 'failed')).toBe(true);
  });

  it('out-of-office replies open no case and are only recorded', async () => {
    const autoReplies = async () =>
      (await h.database.db.select().from(events).where(and(eq(events.organizationId, h.organizationId), eq(events.kind, 'delivery_status')))).filter((e) => e.data.status === 'auto_reply').length;
    const autoRepliesBefore = await autoReplies();
    const casesBefore = await countCases();
    await send({
      from: 'busy.person@example.org',
      to: `care@${domain}`,
      subject: 'Automatic reply: Re: Prescription refill',
      messageId: '<ooo-6@example.org>',
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' },
      text: 'I am out of the office until Monday with limited access to email.',
    });
    await send({
      from: 'otra.persona@example.org',
      to: `care@${domain}`,
      subject: 'Fuera de la oficina',
      messageId: '<ooo-7@example.org>',
      text: 'Estoy fuera de la oficina hasta el lunes. Necesito una cita.',
    });
    expect(await countCases()).toBe(casesBefore);
    expect(await messageByRef('<ooo-6@example.org>')).toBeUndefined();
    expect(await messageByRef('<ooo-7@example.org>')).toBeUndefined();
    expect(await autoReplies()).toBe(autoRepliesBefore + 2);
  });

  it('refuses recipients at domains carethread does not serve', async () => {
    const err = await send({ from: 'ana.example@example.org', to: 'someone@unknown.example.net', subject: 'x', text: 'x' }).catch((e: unknown) => e as { responseCode?: number; response?: string });
    expect(err).toMatchObject({ responseCode: 550 });
    expect((err as { response: string }).response).toMatch(/mail domains of its organisations/);
  });

  it('refuses a message over 10 MB with 552', async () => {
    const casesBefore = await countCases();
    const err = await send({
      from: 'big.sender@example.org',
      to: `care@${domain}`,
      subject: 'Scan',
      messageId: '<big-8@example.org>',
      text: 'x'.repeat(10 * 1024 * 1024 + 10),
    }).catch((e: unknown) => e as { responseCode?: number });
    expect(err).toMatchObject({ responseCode: 552 });
    expect(await countCases()).toBe(casesBefore);
  });

  it('accepts broken MIME and invalid UTF-8 when it can read them, refuses unreadable mail with a reason, and stays up', async () => {
    const broken = Buffer.concat([
      Buffer.from(
        [
          'From: broken.client@example.org',
          `To: care@${domain}`,
          'Subject: =?utf-8?B?bad base64?=',
          'Message-ID: <broken-9@example.org>',
          'Content-Type: multipart/mixed; boundary="never-closed"',
          '',
          '--never-closed',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'I need to schedule an appointment ',
        ].join('\r\n'),
        'utf8',
      ),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x00]),
      Buffer.from(' for next week.\r\n--never-cl', 'utf8'),
    ]);
    await send({ envelope: { from: 'broken.client@example.org', to: [`care@${domain}`] }, raw: broken });
    const msg = await messageByRef('<broken-9@example.org>');
    expect(msg!.body).toMatch(/^I need to schedule an appointment .* for next week\./);
    expect(msg!.body).not.toContain('\u0000');

    // A sender address the pipeline cannot use: refused with a 5xx that says why.
    const err = await send({ envelope: { from: 'relay@example.org', to: [`care@${domain}`] }, raw: 'From: patient@localhost\r\nSubject: hi\r\n\r\nhello\r\n' }).catch(
      (e: unknown) => e as { responseCode?: number; response?: string },
    );
    expect(err).toMatchObject({ responseCode: 550 });
    expect((err as { response: string }).response).toMatch(/sender's email is not valid/);

    // A client that hangs up in the middle of DATA.
    await new Promise<void>((resolve) => {
      const socket = connect(inbound.port, '127.0.0.1');
      const script = ['EHLO client.example.org', 'MAIL FROM:<cut.off@example.org>', `RCPT TO:<care@${domain}>`, 'DATA'];
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        if (/^354 /m.test(chunk)) {
          socket.write('From: cut.off@example.org\r\nSubject: half\r\n\r\nI need to resched');
          setTimeout(() => socket.destroy(), 20);
        } else if (/^(220|250) /m.test(chunk) && script.length) socket.write(`${script.shift()}\r\n`);
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });

    // And the server still takes ordinary mail.
    await send({ from: 'after.broken@example.org', to: `care@${domain}`, subject: 'Hello', messageId: '<after-10@example.org>', text: 'Please call me about my test results.' });
    expect((await messageByRef('<after-10@example.org>'))!.body).toBe('Please call me about my test results.');
  });

  it('stores a duplicate Message-ID once', async () => {
    const mail = { from: 'dup.sender@example.org', to: `care@${domain}`, subject: 'Records', messageId: '<dup-11@example.org>', text: 'Please send a copy of my medical records.' };
    await send(mail);
    const second = await send(mail);
    expect(second.response).toMatch(/already received/);
    const copies = await h.database.db.select().from(messages).where(eq(messages.providerRef, '<dup-11@example.org>'));
    expect(copies).toHaveLength(1);
  });

  it('converts HTML-only mail to text and notes attachments without keeping them', async () => {
    await send({
      from: 'html.only@example.org',
      to: `care@${domain}`,
      subject: 'Insurance card',
      messageId: '<html-12@example.org>',
      html: '<div>My new <b>insurance</b> member ID card is attached.</div><blockquote>On Mon, Nov 2, 2026 Riverside wrote:<br>Please send your card.</blockquote>',
      attachments: [{ filename: 'card-front.png', content: Buffer.from('not really a png'), contentType: 'image/png' }],
    });
    const msg = await messageByRef('<html-12@example.org>');
    expect(msg!.body).toBe('My new insurance member ID card is attached.');
    expect(msg!.mediaUrls).toEqual(['urn:carethread:email-attachment:1:image/png']);
  });
});

describe('outbound failures', () => {
  let item: OutboundItem;
  beforeAll(async () => {
    const { caseId } = await anaWritesIn();
    const reply = await replyOnCase(h.services, h.organizationId, caseId, { text: 'Your refill is ready.', actor: 'agent' });
    item = await outboundItem(reply.outboxId!);
  });

  it('a 5xx on RCPT is permanent', async () => {
    await expect(transport.send({ ...item, toAddress: 'gone@example.net' })).rejects.toBeInstanceOf(PermanentDeliveryError);
  });

  it('a 4xx on RCPT is retried', async () => {
    const err = await transport.send({ ...item, toAddress: 'busy@example.net' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentDeliveryError);
    expect(String((err as Error).message)).not.toContain('busy@example.net');
  });

  it('an unreachable relay is retried', async () => {
    const closed = new SMTPServer({ logger: false });
    const port = await new Promise<number>((resolve) => closed.listen(0, '127.0.0.1', () => resolve((closed.server.address() as AddressInfo).port)));
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const elsewhere = emailTransport({ ...h.services, settings: { ...h.services.settings, email: { ...h.services.settings.email, relayUrl: `smtp://127.0.0.1:${port}` } } });
    const err = await elsewhere.send(item).catch((e: unknown) => e);
    elsewhere.close();
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentDeliveryError);
  });
});

describe('inbound webhook', () => {
  const url = '/channels/email/inbound';
  const secret = 'test-webhook-secret-0123456789';
  const post = (payload: string | object, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

  // Every test but the first runs with the secret configured (the first removes it itself).
  beforeEach(() => {
    process.env.CARETHREAD_EMAIL_WEBHOOK_SECRET = secret;
  });
  afterAll(() => {
    delete process.env.CARETHREAD_EMAIL_WEBHOOK_SECRET;
  });

  it('is not there while no secret is configured', async () => {
    delete process.env.CARETHREAD_EMAIL_WEBHOOK_SECRET;
    const res = await post({ from: 'a@example.org', to: `care@${domain}`, text: 'hi' }, { 'x-carethread-webhook-secret': 'anything' });
    expect(res.statusCode).toBe(404);
  });

  it('refuses a missing or wrong secret', async () => {
    process.env.CARETHREAD_EMAIL_WEBHOOK_SECRET = secret;
    expect((await post({ from: 'a@example.org', to: `care@${domain}`, text: 'hi' })).statusCode).toBe(401);
    expect((await post({ from: 'a@example.org', to: `care@${domain}`, text: 'hi' }, { 'x-carethread-webhook-secret': 'wrong' })).statusCode).toBe(403);
  });

  it('takes carethread JSON and threads like SMTP', async () => {
    process.env.CARETHREAD_EMAIL_WEBHOOK_SECRET = secret;
    const res = await post(
      {
        from: 'Rosa Sample <rosa.sample@example.org>',
        to: [`care@${domain}`],
        subject: 'Cita',
        messageId: '<json-13@example.org>',
        text: 'Quisiera una cita con el cardiólogo la próxima semana.\n\nEl lun, 2 nov 2026 a las 9:00, Clínica escribió:\n> Hola',
      },
      { 'x-carethread-webhook-secret': secret },
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ outcome: 'message', duplicate: false });
    expect(body.caseId).toBeTruthy();
    const msg = await messageByRef('<json-13@example.org>');
    expect(msg!.body).toBe('Quisiera una cita con el cardiólogo la próxima semana.');
    const [caseRow] = await h.database.db.select().from(cases).where(eq(cases.id, body.caseId));
    expect(caseRow!.requestType).toBe('scheduling');

    const again = await post({ from: 'rosa.sample@example.org', to: `care@${domain}`, messageId: '<json-13@example.org>', text: 'x' }, { 'x-carethread-webhook-secret': secret });
    expect(again.json()).toMatchObject({ duplicate: true, caseId: body.caseId });
  });

  it('takes a raw RFC 822 message', async () => {
    const raw = [`From: raw.sender@example.org`, `To: care@${domain}`, 'Subject: Results', 'Message-ID: <raw-14@example.org>', 'Content-Type: text/plain; charset=utf-8', '', 'Are my blood test results ready?', ''].join('\r\n');
    for (const type of ['message/rfc822', 'text/plain']) {
      const res = await h.app.inject({ method: 'POST', url, headers: { 'content-type': type, 'x-carethread-webhook-secret': secret }, payload: raw });
      expect(res.statusCode).toBe(200);
    }
    const copies = await h.database.db.select().from(messages).where(eq(messages.providerRef, '<raw-14@example.org>'));
    expect(copies).toHaveLength(1);
    expect(copies[0]!.body).toBe('Are my blood test results ready?');
  });

  it('answers bad input with a 4xx and changes nothing', async () => {
    const casesBefore = await countCases();
    const headers = { 'x-carethread-webhook-secret': secret };
    expect((await post('{"from": ', headers)).statusCode).toBe(400);
    const invalid = await post({ from: 'a@example.org' }, headers);
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().message).toMatch(/to/);
    const unknown = await post({ from: 'a@example.org', to: 'care@unknown.example.net', text: 'hello' }, headers);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error).toBe('unknown_recipient');
    const huge = await h.app.inject({ method: 'POST', url, headers: { 'content-type': 'message/rfc822', ...headers }, payload: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61) });
    expect(huge.statusCode).toBe(413);
    const anonymous = await h.app.inject({ method: 'POST', url, headers: { 'content-type': 'message/rfc822', ...headers }, payload: `To: care@${domain}\r\nSubject: hi\r\n\r\nhello\r\n` });
    expect(anonymous.statusCode).toBe(422);
    expect(anonymous.json()).toMatchObject({ error: 'no_sender' });
    const empty = await h.app.inject({ method: 'POST', url, headers: { 'content-type': 'message/rfc822', ...headers }, payload: '' });
    expect(empty.statusCode).toBe(400);
    expect(await countCases()).toBe(casesBefore);
  });

  it('converts an HTML-only JSON post to text', async () => {
    const res = await post(
      { from: 'html.json@example.org', to: `care@${domain}`, subject: 'Billing', messageId: '<json-html-16@example.org>', html: '<p>Why was I <i>charged</i> twice on my bill?</p><p>Sent from my iPhone</p>' },
      { 'x-carethread-webhook-secret': secret },
    );
    expect(res.statusCode).toBe(200);
    expect((await messageByRef('<json-html-16@example.org>'))!.body).toBe('Why was I charged twice on my bill?');
  });

  it('drops an auto-reply posted as JSON', async () => {
    const casesBefore = await countCases();
    const res = await post(
      { from: 'away@example.org', to: `care@${domain}`, subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' }, text: 'Back Monday.', messageId: '<json-ooo-15@example.org>' },
      { 'x-carethread-webhook-secret': secret },
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe('auto_reply');
    expect(await countCases()).toBe(casesBefore);
  });
});
