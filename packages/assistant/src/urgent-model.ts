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
}

type Label = 'urgent' | 'routine';

export class UrgentDetector {
  private model: LinearIntentModel<Label> | null = null;

  /** Deterministic: the same examples give the same model. */
  train(examples: readonly UrgentExample[]): void {
    const speller = new Speller(examples.map((e) => e.text));
    const model = new LinearIntentModel<Label>((text) => wordFeatures(text, speller).out, { epochs: 25 });
    // Urgent examples are the rarer class and the one whose misses matter: weigh them up.
    const rows: Array<{ text: string; label: Label }> = [];
    for (const e of examples) {
      const row = { text: e.text, label: e.urgent ? ('urgent' as const) : ('routine' as const) };
      rows.push(row);
      if (e.urgent) rows.push(row, row);
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
