// The nlp.js packages ship no type declarations; these cover the few calls we make.

declare module '@nlpjs/core' {
  export interface Container {
    use(plugin: unknown): unknown;
    get(name: string): unknown;
  }
  export function containerBootstrap(settings?: Record<string, unknown>): Promise<Container>;
}

declare module '@nlpjs/lang-en' {
  export const LangEn: unknown;
}

declare module '@nlpjs/lang-es' {
  export const LangEs: unknown;
}

declare module '@nlpjs/nlp' {
  import type { Container } from '@nlpjs/core';
  export interface NluClassification {
    intent: string;
    score: number;
  }
  export interface NluResult {
    locale?: string;
    classifications: NluClassification[];
    intent?: string;
    score?: number;
  }
  export interface NluManager {
    process(locale: string, utterance: string): Promise<NluResult>;
    guessLanguage(utterance: string): string | undefined;
  }
  export class Nlp {
    constructor(settings: Record<string, unknown>, container?: Container);
    nluManager: NluManager;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
  }
}

declare module '@nlpjs/sentiment' {
  import type { Container } from '@nlpjs/core';
  export interface SentimentOutput {
    sentiment: { score: number; numWords: number; numHits: number; average: number; vote: string };
  }
  export class SentimentAnalyzer {
    constructor(settings: Record<string, unknown>, container?: Container);
    process(input: { locale: string; text: string }): Promise<SentimentOutput>;
  }
}
