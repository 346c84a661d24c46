/** The current time. Domain code takes `now` as a parameter; only entry points call this. */
export const now = (): Date => new Date();
