/** A minimal typed event emitter; a throwing listener is reported to `onListenerError`, never breaks the client. */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(value: any) => void>>();

  constructor(private readonly onListenerError: (error: unknown, event: keyof Events) => void) {}

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(event: K, listener: (value: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit<K extends keyof Events>(event: K, value: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        l(value);
      } catch (e) {
        this.onListenerError(e, event);
      }
    }
  }
}
