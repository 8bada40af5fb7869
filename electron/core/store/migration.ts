// One schema step. The SQL text is hashed when applied, so a shipped migration must never be
// edited: add a new one instead (the runner refuses a database whose recorded hash differs).
export interface Migration {
  /** 1, 2, 3, ... in list order; becomes the database's `user_version` once applied. */
  readonly version: number;
  /** Kebab-case, matches the file name `NNNN-name.ts`. */
  readonly name: string;
  readonly sql: string;
}
