// `npm run faults:kill -- <runs>`: the long kill-during-import run (tests/faults/kill-import.run.ts).
import { spawnSync } from 'node:child_process';

const runs = process.argv[2] ?? process.env.KILL_RUNS ?? '50';
if (!/^\d+$/.test(runs)) {
  console.error(`Usage: npm run faults:kill -- <runs> (a whole number, got "${runs}")`);
  process.exit(2);
}
const result = spawnSync('npx', ['vitest', 'run', '--project', 'faults', 'tests/faults/kill-import.run.ts'], {
  stdio: 'inherit',
  env: { ...process.env, KILL_RUNS: runs },
});
process.exit(result.status ?? 1);
