/** Epoch milliseconds. Passed in everywhere time matters so tests can use a fake clock. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
