/** What ends a reply that was cut because its turn may post no more messages. */
export const CUT_MARK = "…";

/** Keeps the first `room` parts; when any were dropped, the last one kept ends with "…" (within `limit`). */
export function capParts(parts: readonly string[], room: number, limit = 2000): string[] {
  if (parts.length <= room) return [...parts];
  if (room <= 0) return [];
  const kept = parts.slice(0, room);
  const last = kept[room - 1]!.trimEnd();
  kept[room - 1] = last.length + 2 <= limit ? `${last} ${CUT_MARK}` : `${last.slice(0, limit - 2).trimEnd()} ${CUT_MARK}`;
  return kept;
}
