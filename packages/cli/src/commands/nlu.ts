// `carethread nlu eval [--json]` and `carethread nlu classify [--json] …`: the assistant's
// understanding from the command line, for measuring it (eval) and trying it (classify).

import { createInterface } from 'node:readline';
import { createUnderstanding, evaluate, INTENTS, type EvalReport, type LanguageReport, type UnderstandContext } from '@carethread/assistant';

export interface NluIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Lines to classify (default: standard input). */
  input?: AsyncIterable<string>;
}

const defaultIo: NluIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

const USAGE = `usage: carethread nlu eval [--json]
       carethread nlu classify [--json] [--language en|es] [--time-zone <IANA zone>] [--reference <ISO time>]
                               [--department <name>]… [--provider <name>]…

  eval       train on the training split of the shipped corpora and score the held-out split
             (accuracy and macro-F1 per language, per-intent F1, confusions)
  classify   read one message per line on stdin; print one result per line
             (--json: one JSON object per line with text, language, intent, confidence, entities, urgent)
`;

class UsageError extends Error {}

interface ClassifyOptions {
  json: boolean;
  ctx: UnderstandContext;
}

function parseClassify(args: string[]): ClassifyOptions {
  const ctx: UnderstandContext = {};
  const departments: string[] = [];
  const providers: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--json') json = true;
    else if (arg === '--language') {
      const v = value();
      if (v !== 'en' && v !== 'es') throw new UsageError('--language must be en or es');
      ctx.language = v;
    } else if (arg === '--time-zone') {
      const v = value();
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: v });
      } catch {
        throw new UsageError(`--time-zone: unknown time zone "${v}"`);
      }
      ctx.timeZone = v;
    } else if (arg === '--reference') {
      const v = value();
      if (Number.isNaN(Date.parse(v))) throw new UsageError('--reference must be an ISO 8601 time');
      ctx.referenceTime = v;
    } else if (arg === '--department') departments.push(value());
    else if (arg === '--provider') providers.push(value());
    else throw new UsageError(`unknown option ${arg}`);
  }
  if (departments.length) ctx.departments = departments;
  if (providers.length) ctx.providers = providers;
  return { json, ctx };
}

async function* stdinLines(): AsyncIterable<string> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) yield line;
}

async function classify(args: string[], io: NluIo): Promise<number> {
  const { json, ctx } = parseClassify(args);
  const engine = await createUnderstanding();
  for await (const raw of io.input ?? stdinLines()) {
    const text = raw.replace(/\r$/, '');
    const r = await engine.understand(text, ctx);
    if (json) {
      io.out(`${JSON.stringify({ text: r.text, language: r.language, intent: r.intent, confidence: r.confidence, entities: r.entities, urgent: r.urgent })}\n`);
    } else {
      const entities = r.entities.map((e) => `${e.type}=${e.value}`).join(' ');
      const urgent = r.urgent.urgent ? `  URGENT ${r.urgent.category} ("${r.urgent.matched ?? ''}")` : '';
      io.out(`${r.intent} ${r.confidence.toFixed(2)} [${r.language}]${urgent}${entities ? `  ${entities}` : ''}\n`);
    }
  }
  return 0;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function describeLanguage(name: string, r: LanguageReport): string[] {
  const lines = [
    `${name}: accuracy ${pct(r.accuracy)}, macro-F1 ${r.macro_f1.toFixed(3)} on ${r.n} utterances (model alone ${pct(r.model_only_accuracy)}, language detected ${pct(r.language_detection_accuracy)})`,
  ];
  const width = Math.max(...INTENTS.map((i) => i.length));
  for (const intent of INTENTS) {
    const s = r.per_intent[intent];
    if (s) lines.push(`  ${intent.padEnd(width)}  F1 ${s.f1.toFixed(3)}  P ${s.precision.toFixed(3)}  R ${s.recall.toFixed(3)}  n ${s.support}`);
  }
  if (r.confusions.length) lines.push(`  confusions: ${r.confusions.slice(0, 8).map((c) => `${c.expected} → ${c.predicted} ×${c.count}`).join('; ')}`);
  return lines;
}

function describe(report: EvalReport): string {
  const lines = [`trained on ${report.trained_on} utterances in ${report.startup_ms} ms; every ${report.held_out_every}th utterance per intent held out; median classify ${report.median_classify_ms} ms`, ''];
  for (const [language, r] of Object.entries(report.languages)) lines.push(...describeLanguage(`held-out ${language}`, r), '');
  for (const [language, r] of Object.entries(report.blind ?? {})) lines.push(`blind ${language}: accuracy ${pct(r.accuracy)}, macro-F1 ${r.macro_f1.toFixed(3)} on ${r.n} utterances`);
  for (const [language, r] of Object.entries(report.urgent_blind ?? {})) {
    lines.push(
      `urgent blind ${language}: ${pct(r.recall)} of ${r.urgent_n} emergencies raised (emergency guidance ${pct(r.emergency_recall)}; rules alone ${pct(r.rules_recall)}, detector alone ${pct(r.detector_recall)}); ${pct(r.routine_flagged)} of ${r.routine_n} routine look-alikes raised`,
    );
    const missed = Object.entries(r.per_category).filter(([, c]) => c.recall < 1);
    if (missed.length) lines.push(`  categories under 100 %: ${missed.map(([k, c]) => `${k} ${pct(c.recall)} (n ${c.n})`).join('; ')}`);
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** CLI entry: returns the exit code (0 ok, 2 bad arguments). */
export async function nluCommand(args: string[], io: NluIo = defaultIo): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
      io.out(USAGE);
      return sub === undefined ? 2 : 0;
    }
    if (sub === 'eval') {
      const json = rest.includes('--json');
      const unknown = rest.filter((a) => a !== '--json');
      if (unknown.length) throw new UsageError(`unknown option ${unknown[0]}`);
      const report = await evaluate();
      io.out(json ? `${JSON.stringify(report)}\n` : describe(report));
      return 0;
    }
    if (sub === 'classify') return await classify(rest, io);
    throw new UsageError(`unknown subcommand "${sub}"`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`nlu: ${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}
