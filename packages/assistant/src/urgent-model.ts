import type { Language } from '@carethread/core';
import { Speller, wordFeatures } from './features.ts';
import { LinearIntentModel } from './linear.ts';

/**
 * The second, independent urgent detector: a logistic model of "urgent or routine" trained on
 * words alone (folded words, prefixes, bigrams, character 3-grams). It never sees the rules'
 * verdict or the intent cue groups, so it fails differently from the rules: a phrasing the
 * patterns do not know ("her lips are swelling up after the shrimp") still carries the words
 * of an emergency. Either detector can raise the alarm (understand.ts decides how loud).
 */

export interface UrgentExample {
  text: string;
  language: Language;
  urgent: boolean;
  /** How many times the example counts in training (default 1; urgent ones also get urgentWeight). */
  weight?: number;
}

type Label = 'urgent' | 'routine';

export interface UrgentDetectorOptions {
  /** How many times each urgent example is shown per epoch (default 3). */
  urgentWeight?: number;
  /** Character 3-grams as features (default true). */
  charGrams?: boolean;
  epochs?: number;
}

export class UrgentDetector {
  private model: LinearIntentModel<Label> | null = null;

  constructor(private readonly options: UrgentDetectorOptions = {}) {}

  /** Deterministic: the same examples give the same model. */
  train(examples: readonly UrgentExample[]): void {
    const speller = new Speller(examples.map((e) => e.text));
    const charGrams = this.options.charGrams ?? true;
    const features = (text: string) => {
      const out = wordFeatures(text, speller).out;
      return charGrams ? out : out.filter((f) => !f.startsWith('c:'));
    };
    const model = new LinearIntentModel<Label>(features, { epochs: this.options.epochs ?? 25 });
    // Urgent examples are the rarer class and the one whose misses matter: weigh them up.
    const weight = Math.max(1, Math.round(this.options.urgentWeight ?? 3));
    const rows: Array<{ text: string; label: Label }> = [];
    for (const e of examples) {
      const row = { text: e.text, label: e.urgent ? ('urgent' as const) : ('routine' as const) };
      const times = Math.max(1, Math.round(e.weight ?? 1)) * (e.urgent ? weight : 1);
      for (let i = 0; i < times; i++) rows.push(row);
    }
    model.train(rows);
    this.model = model;
  }

  /** Probability (0..1) that the message describes an emergency now. */
  probability(text: string): number {
    if (!this.model) throw new Error('UrgentDetector: probability() before train()');
    if (typeof text !== 'string' || !/\p{L}/u.test(text)) return 0;
    return this.model.predict(text).find((r) => r.label === 'urgent')?.p ?? 0;
  }
}
