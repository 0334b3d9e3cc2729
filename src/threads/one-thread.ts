/**
 * Thrown, on a worker or the main thread, where a file cannot be cleaned on threads exactly as one
 * thread cleans it: the run gives up and the file starts over on one thread.
 */
export class OneThreadNeeded extends Error {}
