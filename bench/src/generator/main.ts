/**
 * The load generator process. The orchestrator forks it (pinned to its own
 * core), sends one GeneratorJob over IPC and gets one GeneratorMessage back.
 * The generator then waits to be stopped, holding its connections open, so
 * that tearing them down never overlaps a measurement.
 */
import { runFlood } from './flood.js';
import type { GeneratorJob, GeneratorMessage, GeneratorOutcome, WindowEdge } from './job.js';
import { runFanout, runIdle, runRamp, runRooms } from './scenario-runners.js';
import { Session } from './session.js';

function run(job: GeneratorJob): Promise<GeneratorOutcome> {
  const onWindow = (edge: WindowEdge) => reply({ type: 'window', edge });
  const scenario = job.scenario;
  if (scenario.kind === 'flood') return runFlood(job, scenario, onWindow);
  const session = new Session(job, onWindow);
  switch (scenario.kind) {
    case 'fanout':
      return runFanout(session, scenario);
    case 'ramp':
      return runRamp(session, scenario);
    case 'idle':
      return runIdle(session, scenario);
    case 'rooms':
      return runRooms(session, scenario);
  }
}

function reply(message: GeneratorMessage): void {
  process.send!(message);
}

if (!process.send) {
  process.stderr.write('the load generator is started by bench/dist/run.js\n');
  process.exit(2);
}
process.on('disconnect', () => process.exit(0));
// An orderly exit on the orchestrator's SIGTERM, so that --cpu-prof can write its profile.
process.on('SIGTERM', () => process.exit(0));
process.once('message', (job: GeneratorJob) => {
  run(job).then(
    (outcome) => reply({ type: 'result', outcome }),
    (error: unknown) => reply({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
