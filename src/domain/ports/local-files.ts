/**
 * Files on Herald's own disk, named in an admin's command (`contacts import PATH`, `--html-file`):
 * missing files and folders are refused as NOT_FOUND / INVALID_INPUT naming the path's field.
 */
export interface LocalFiles {
  /** The file's bytes, streamed. */
  open(path: string, field: string): Promise<AsyncIterable<Uint8Array>>;
  /**
   * The whole file as UTF-8 text (small files: template bodies), never more than `maxBytes` read:
   * larger files, NUL bytes and bytes that are not UTF-8 are refused naming the field.
   */
  readText(path: string, field: string, limits: { maxBytes: number; what: string }): Promise<string>;
}
