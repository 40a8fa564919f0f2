/**
 * Bad input: the user's file is not what it should be. The CLI prints the
 * message (which names the file and, where known, the byte offset) and exits 1.
 * Anything else that escapes is an internal error (exit 2).
 */
export class InputError extends Error {
  readonly file: string;
  readonly offset: number | undefined;
  constructor(file: string, message: string, offset?: number) {
    super(offset === undefined ? `${file}: ${message}` : `${file}: at byte ${offset}: ${message}`);
    this.name = 'InputError';
    this.file = file;
    this.offset = offset;
  }
}

/** Wrong usage of the command line. Exit 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
