/**
 * A small multinomial logistic-regression intent model over sparse lexical features. It
 * complements nlp.js: nlp.js sees whole stemmed words, this model also sees word prefixes,
 * bigrams and character n-grams, so typos ("apointment", "cancle") and Spanish/English
 * inflections still land on the right intent with a few hundred training utterances.
 * Training is deterministic (fixed order, fixed initialisation) so evaluation figures repeat.
 */

export type FeatureFn = (text: string) => string[];

export interface LinearModelOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
}

export class LinearIntentModel<L extends string> {
  private readonly featureIndex = new Map<string, number>();
  private labels: L[] = [];
  /** weights[label][feature] flattened: label-major. */
  private weights = new Float64Array(0);
  private bias = new Float64Array(0);

  constructor(private readonly features: FeatureFn, private readonly options: LinearModelOptions = {}) {}

  train(examples: ReadonlyArray<{ text: string; label: L }>): void {
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    this.labels = labels;
    const rows = examples.map((e) => ({ x: this.indexFeatures(this.features(e.text), true), y: labels.indexOf(e.label) }));
    const F = this.featureIndex.size;
    const K = labels.length;
    this.weights = new Float64Array(K * F);
    this.bias = new Float64Array(K);
    const epochs = this.options.epochs ?? 30;
    const l2 = this.options.l2 ?? 1e-4;
    const baseRate = this.options.learningRate ?? 0.5;
    const p = new Float64Array(K);
    // Deterministic shuffling: a fixed linear-congruential sequence.
    let seed = 12345;
    const order = rows.map((_, i) => i);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const j = seed % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const rate = baseRate / (1 + epoch * 0.1);
      for (const r of order) {
        const { x, y } = rows[r]!;
        this.scores(x, p);
        softmax(p);
        for (let k = 0; k < K; k++) {
          const g = p[k]! - (k === y ? 1 : 0);
          // Examples the model already gets right teach nothing; skipping them halves training.
          if (g > -1e-3 && g < 1e-3) continue;
          this.bias[k] = this.bias[k]! - rate * g;
          const base = k * F;
          for (const [f, v] of x) {
            const w = this.weights[base + f]!;
            this.weights[base + f] = w - rate * (g * v + l2 * w);
          }
        }
      }
    }
  }

  /** Probabilities per label, best first. Unknown features are ignored. */
  predict(text: string): Array<{ label: L; p: number }> {
    const K = this.labels.length;
    if (K === 0) return [];
    const x = this.indexFeatures(this.features(text), false);
    const p = new Float64Array(K);
    this.scores(x, p);
    softmax(p);
    return this.labels.map((label, k) => ({ label, p: p[k]! })).sort((a, b) => b.p - a.p);
  }

  /** How many of the text's features the model has seen in training (0 = nothing known). */
  knownFeatures(text: string): number {
    let n = 0;
    for (const f of this.features(text)) if (this.featureIndex.has(f)) n++;
    return n;
  }

  private indexFeatures(list: string[], grow: boolean): Array<[number, number]> {
    const counts = new Map<number, number>();
    for (const f of list) {
      let i = this.featureIndex.get(f);
      if (i === undefined) {
        if (!grow) continue;
        i = this.featureIndex.size;
        this.featureIndex.set(f, i);
      }
      counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    // Each message counts the same however long it is: L2-normalised feature counts.
    let norm = 0;
    for (const c of counts.values()) norm += c * c;
    norm = Math.sqrt(norm) || 1;
    return [...counts].map(([i, c]) => [i, c / norm]);
  }

  private scores(x: Array<[number, number]>, out: Float64Array): void {
    const F = this.featureIndex.size;
    for (let k = 0; k < out.length; k++) {
      let s = this.bias[k]!;
      const base = k * F;
      for (const [f, v] of x) s += this.weights[base + f]! * v;
      out[k] = s;
    }
  }
}

function softmax(v: Float64Array): void {
  let max = -Infinity;
  for (const x of v) if (x > max) max = x;
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.exp(v[i]! - max);
    sum += v[i]!;
  }
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / sum;
}
