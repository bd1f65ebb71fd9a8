// Rate helpers for the chat: typing notices at most every few seconds, refreshes once per burst of events.

/** Calls `fn` at most once per `ms`. */
export function throttle(fn, ms) {
  let last = 0;
  return () => {
    if (Date.now() - last < ms) return;
    last = Date.now();
    fn();
  };
}

/** Calls `fn` once, `ms` after the last call of a burst. */
export function debounce(fn, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
