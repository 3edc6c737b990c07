/** The platform's timers and `Date.now()`. */
export const systemClock = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle),
};
/** A random id usable as a protocol id (`[A-Za-z0-9._:@+=-]`, at most 128 characters). */
export function randomId() {
    const c = globalThis.crypto;
    if (c?.randomUUID)
        return c.randomUUID();
    let s = Date.now().toString(36) + '-';
    for (let i = 0; i < 16; i++)
        s += Math.floor(Math.random() * 36).toString(36);
    return s;
}
