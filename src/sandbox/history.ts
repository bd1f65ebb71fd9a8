import type { MessageRecord } from "./model.js";

/** Query of `GET /channels/:id/messages`. */
export interface HistoryQuery {
  limit?: number | undefined;
  before?: string | undefined;
  after?: string | undefined;
  around?: string | undefined;
}

/** Picks a history page from messages sorted oldest first; the result is newest first. */
export function selectHistory(all: readonly MessageRecord[], query: HistoryQuery): MessageRecord[] {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 100);
  const big = (id: string) => BigInt(id);
  let page: readonly MessageRecord[];
  if (query.around) {
    const pivot = big(query.around);
    const index = all.findIndex((m) => big(m.id) >= pivot);
    const center = index < 0 ? all.length : index;
    const start = Math.max(0, center - Math.floor(limit / 2));
    page = all.slice(start, start + limit);
  } else if (query.after) {
    const after = big(query.after);
    page = all.filter((m) => big(m.id) > after).slice(0, limit);
  } else {
    const before = query.before ? big(query.before) : null;
    const older = before === null ? all : all.filter((m) => big(m.id) < before);
    page = older.slice(Math.max(0, older.length - limit));
  }
  return [...page].reverse();
}
