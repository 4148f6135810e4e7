import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';

/**
 * V8's sampling CPU profiler (the one behind `node --cpu-prof`), switched on and off by the runner
 * so that a profile covers one measured load window only, not start-up, warm-up or the baseline
 * endpoint's load in the same process.
 */
export class CpuProfiler {
  private session?: Session;

  async start(): Promise<void> {
    this.session = new Session();
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: 500 });
    await this.post('Profiler.start');
  }

  async stopTo(file: string): Promise<void> {
    const { profile } = (await this.post('Profiler.stop')) as { profile: unknown };
    await this.post('Profiler.disable');
    this.session?.disconnect();
    this.session = undefined;
    await writeFile(file, JSON.stringify(profile));
  }

  private post(method: string, params?: object): Promise<unknown> {
    return new Promise((ok, fail) => this.session!.post(method, params ?? {}, (error, result) => (error ? fail(error) : ok(result))));
  }
}
