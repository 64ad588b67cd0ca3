/** The current time; injected everywhere time matters so tests never wait on the wall clock. */
export interface Clock {
  now(): Date;
}
