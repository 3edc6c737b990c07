/** A minimal typed event emitter; a throwing listener is reported to `onListenerError`, never breaks the client. */
export class Emitter {
    onListenerError;
    listeners = new Map();
    constructor(onListenerError) {
        this.onListenerError = onListenerError;
    }
    /** Adds a listener; returns the function that removes it. */
    on(event, listener) {
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
    emit(event, value) {
        const set = this.listeners.get(event);
        if (!set)
            return;
        for (const l of [...set]) {
            try {
                l(value);
            }
            catch (e) {
                this.onListenerError(e, event);
            }
        }
    }
}
