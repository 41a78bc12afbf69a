/** The one source of "now", passed in so tests and the deadline job's `--now` can move time. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
