import { readFileSync } from 'node:fs';
import { extractPatientFacts } from './src/facts/index.ts';
const ref = new Date('2026-03-02T15:00:00Z');
const lines = process.argv.slice(2).length ? process.argv.slice(2) : [];
const text = readFileSync('/tmp/lines.txt', 'utf8').split('\n').filter(Boolean);
for (const line of text) { const [l, t] = line.split('|'); console.log(t, '\n   ', JSON.stringify(extractPatientFacts(t!, { language: l as 'en', reference: ref, timeZone: 'America/New_York', defaultRegion: 'US' }).filter(f=>f.name!=='reason').map(f => `${f.name}=${f.value}@${f.confidence}`))); }
