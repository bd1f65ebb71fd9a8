import { watch, type FSWatcher } from "node:fs";
import path from "node:path";

export interface FileWatch {
  close(): void;
}

/**
 * Calls `onChange` whenever something happens to `file`, however it is written: in place,
 * or replaced by a rename (our atomic writes, editors' atomic saves). It watches the
 * directory, because a watch on the file itself follows the old inode and goes quiet after
 * the first rename (chokidar's file watch stopped after a burst of our own writes).
 * Bursts are coalesced by the caller (it re-reads the file and compares content).
 */
export function watchFile(file: string, onChange: () => void, onError: (err: Error) => void): FileWatch {
  const dir = path.dirname(file);
  const name = path.basename(file);
  let watcher: FSWatcher | undefined;
  let closed = false;
  const start = () => {
    watcher = watch(dir, { persistent: false }, (_event, filename) => {
      if (filename === null || filename.toString() === name) onChange();
    });
    watcher.on("error", (err) => {
      onError(err);
      watcher?.close();
      // The directory went away or the watch broke: try again shortly, and look at the file then.
      if (!closed) {
        setTimeout(() => {
          if (closed) return;
          try {
            start();
            onChange();
          } catch (retryErr) {
            onError(retryErr as Error);
          }
        }, 1000).unref();
      }
    });
  };
  start();
  return {
    close: () => {
      closed = true;
      watcher?.close();
    },
  };
}
