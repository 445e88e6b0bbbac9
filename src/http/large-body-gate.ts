/**
 * One large JSON body at a time per hub. A start body of tens of MB (spec §1.5.9) takes
 * seconds of CPU and some hundreds of MB of memory to analyse; several at once would exhaust
 * both. The holder reads, analyses and stores its body; the next `maxWaiting` wait their turn
 * in arrival order without reading their bodies (the socket holds them back); any more are
 * refused at once, to be sent again later.
 *
 * @example
 * const release = gate.enter();
 * if (!release) throw busy();
 * const leave = await release; try { … } finally { leave(); }
 */
export interface LargeBodyGate {
  /** A turn (resolving when it is ours), or null when the waiting line is full. */
  enter(): Promise<() => void> | null;
  /** Bodies waiting for their turn (for tests and metrics). */
  readonly waiting: number;
  readonly busy: boolean;
}

export function largeBodyGate(opts: { maxWaiting: number }): LargeBodyGate {
  const queue: (() => void)[] = [];
  let busy = false;
  const leave = () => {
    const next = queue.shift();
    if (next) next();
    else busy = false;
  };
  const turn = () => {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      leave();
    };
  };
  return {
    enter() {
      if (!busy) {
        busy = true;
        return Promise.resolve(turn());
      }
      if (queue.length >= opts.maxWaiting) return null;
      return new Promise((resolve) => queue.push(() => resolve(turn())));
    },
    get waiting() {
      return queue.length;
    },
    get busy() {
      return busy;
    },
  };
}
