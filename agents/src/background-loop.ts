/**
 * A loop the agent runs in the background until told to stop (a watch, a poll): `start()` is
 * idempotent, `stop()` aborts what the loop awaits and waits for the loop to end. Subclasses
 * write `run()`, looping while `running` and passing `signal` to what they wait on.
 */
export abstract class BackgroundLoop {
  protected running = false;
  private abort = new AbortController();
  private loop: Promise<void> | undefined;

  protected get signal(): AbortSignal {
    return this.abort.signal;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop;
  }

  /** Waits `ms`, or less when the loop is stopped meanwhile (so `stop()` never waits out a back-off). */
  protected pause(ms: number): Promise<void> {
    const signal = this.signal;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  protected abstract run(): Promise<void>;
}
