// `npm run facts:eval`: scores the fact extractor on the blind sets and prints aggregates
// only (per language and fact kind: captured right, wrong values, n). Never an item.
import { formatFactsBlind, scoreFactsBlind } from '../src/facts/eval.ts';

const json = process.argv.includes('--json');
const report = scoreFactsBlind();
process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatFactsBlind(report)}\n`);
