export { main } from './main.ts';
export { replay, loadScenarios, type ReplayReport, type ScenarioReport } from './replay.ts';
export { parseScenario, type Scenario } from './scenario.ts';
export { matchEval, parseFebrl } from './commands/match-eval.ts';
