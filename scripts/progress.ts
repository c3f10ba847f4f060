/** Command-line progress: a bar for counted work, plain lines for steps. */
import cliProgress from 'cli-progress';

export function progressReporter() {
  let bar: cliProgress.SingleBar | null = null;
  let currentPhase = '';
  const stop = () => { bar?.stop(); bar = null; currentPhase = ''; };
  return {
    step(message: string) { stop(); console.log(`… ${message}`); },
    count(phase: string, done: number, total: number) {
      if (!process.stdout.isTTY) {
        if (done === total) console.log(`  ${phase}: ${done}/${total}`);
        return;
      }
      if (phase !== currentPhase) {
        stop();
        currentPhase = phase;
        bar = new cliProgress.SingleBar({ format: `  ${phase.padEnd(24)} [{bar}] {value}/{total} ({percentage}%)`, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(total, 0);
      }
      bar!.update(done);
      if (done >= total) stop();
    },
    stop,
  };
}
