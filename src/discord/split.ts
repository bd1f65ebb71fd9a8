/**
 * Splitting long replies into Discord messages (2,000 characters each) without breaking
 * code fences.
 *
 * Fences are counted as Discord renders them: every non-overlapping "```" toggles a code
 * block, and an opening fence's language is the word right after it when a line break
 * follows ("```ts\n"). When a part ends inside a code block, "\n```" closes it and the
 * next part starts with "```ts\n" (the same language), so every part is a balanced,
 * well-rendered message on its own and within the limit, added markers included.
 *
 * A part ends at the last paragraph break (blank line) that leaves it at least half full,
 * else the last line break, else the last space; failing that, at any such break; and
 * only then inside a word (a single over-long line), never inside a fence marker or its
 * language tag or a surrogate pair. The break itself (the blank lines, the line break,
 * the spaces) is dropped; every other character is kept, in order.
 */

const FENCE = "```";
const CLOSE = "\n```";
/** Below this there is no room for a fence reopened and closed around any text. */
export const MIN_SPLIT_LIMIT = 32;

interface Marker {
  start: number;
  end: number;
  /** The language after an opening marker ("" if none); meaningful for openers only. */
  lang: string;
}

interface Cut {
  /** End of this part's body (exclusive). */
  at: number;
  /** Start of the next part's body (after the dropped break). */
  next: number;
}

export interface SplitPart {
  /** Fence marker that reopens a code block carried over from the previous part, or "". */
  reopen: string;
  /** A verbatim slice of the original text. */
  body: string;
  /** Fence marker that closes a code block left open at the end of this part, or "". */
  close: string;
}

/** Splits text into Discord-sized messages at paragraph, line, then word boundaries, keeping code fences balanced. */
export function splitForDiscord(text: string, limit = 2000): string[] {
  return planSplit(text, limit).map((p) => p.reopen + p.body + p.close);
}

/** The parts `splitForDiscord` renders, with the added fence markers kept apart from the original text. */
export function planSplit(text: string, limit = 2000): SplitPart[] {
  if (!Number.isInteger(limit) || limit < MIN_SPLIT_LIMIT) throw new RangeError(`split limit must be an integer of at least ${MIN_SPLIT_LIMIT}`);
  const markers = findMarkers(text);
  // Long language tags are not repeated: they would eat the room of every part.
  const maxLang = Math.min(20, Math.floor(limit / 8));
  const parts: SplitPart[] = [];
  let start = 0;
  let reopen = "";
  while (start < text.length) {
    const room = limit - reopen.length;
    if (text.length - start <= room) {
      push(parts, { reopen, body: text.slice(start), close: "" });
      break;
    }
    let cut = chooseCut(text, markers, start, start + room);
    let open = openFenceAt(markers, cut.at);
    if (open !== undefined && cut.at - start + CLOSE.length > room) {
      cut = chooseCut(text, markers, start, start + room - CLOSE.length);
      open = openFenceAt(markers, cut.at);
    }
    push(parts, { reopen, body: text.slice(start, cut.at), close: open === undefined ? "" : CLOSE });
    reopen = open === undefined ? "" : `${FENCE}${open.lang.length <= maxLang ? open.lang : ""}\n`;
    start = cut.next;
  }
  return parts;
}

function push(parts: SplitPart[], part: SplitPart): void {
  // A part of nothing but white space would be rejected by Discord (or show an empty block).
  if (part.body.trim() !== "") parts.push(part);
}

function findMarkers(text: string): Marker[] {
  const markers: Marker[] = [];
  for (let i = text.indexOf(FENCE); i !== -1; i = text.indexOf(FENCE, i + FENCE.length)) {
    const opener = markers.length % 2 === 0;
    const lang = opener ? (/^([a-z0-9_+\-.#]+)\r?\n/i.exec(text.slice(i + 3, i + 3 + 64))?.[1] ?? "") : "";
    markers.push({ start: i, end: i + FENCE.length, lang });
  }
  return markers;
}

/** The opening marker of the code block open at `at` (counting markers that end at or before it), if any. */
function openFenceAt(markers: readonly Marker[], at: number): Marker | undefined {
  const k = openerIndexAt(markers, at);
  return k === -1 ? undefined : markers[k];
}

function openerIndexAt(markers: readonly Marker[], at: number): number {
  let lo = 0;
  let hi = markers.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((markers[mid] as Marker).end <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo % 2 === 1 ? lo - 1 : -1;
}

/** Best cut with `start < at <= end`. */
function chooseCut(text: string, markers: readonly Marker[], start: number, end: number): Cut {
  const candidates: Record<"paragraph" | "line" | "word", Cut[]> = { paragraph: [], line: [], word: [] };
  for (let i = start + 1; i <= end; i++) {
    const c = text[i];
    if (c !== "\n" && c !== "\r" && c !== " " && c !== "\t") continue;
    let j = i;
    if (c === "\n" || c === "\r") {
      let breaks = 0;
      for (; text[j] === "\n" || text[j] === "\r"; j++) if (text[j] === "\n") breaks++;
      candidates[breaks >= 2 ? "paragraph" : "line"].push({ at: i, next: j });
    } else {
      while (text[j] === " " || text[j] === "\t") j++;
      candidates.word.push({ at: i, next: j });
    }
    i = j - 1;
  }
  const usable = (cut: Cut) => !leavesEmptyBlock(text, markers, cut);
  const half = start + Math.floor((end - start) / 2);
  for (const minAt of [half, start + 1]) {
    for (const level of [candidates.paragraph, candidates.line, candidates.word]) {
      for (let k = level.length - 1; k >= 0; k--) {
        const cut = level[k] as Cut;
        if (cut.at < minAt) break;
        if (usable(cut)) return cut;
      }
    }
  }
  const at = hardCut(text, markers, start, end);
  return { at, next: at };
}

/**
 * True when cutting here would show an empty code block: the block opened just before
 * the cut (nothing in it yet), or it closes right after the cut (the reopened block of
 * the next part would be empty).
 */
function leavesEmptyBlock(text: string, markers: readonly Marker[], cut: Cut): boolean {
  const k = openerIndexAt(markers, cut.at);
  const open = markers[k];
  if (open === undefined) return false;
  if (text.slice(open.end, cut.at).trim() === open.lang) return true;
  const closer = markers[k + 1];
  return closer !== undefined && closer.start >= cut.next && text.slice(cut.next, closer.start).trim() === "";
}

/** A cut inside a word: not inside a fence marker or its language tag, not between surrogates. */
function hardCut(text: string, markers: readonly Marker[], start: number, end: number): number {
  let at = end;
  for (let k = 0; k < markers.length; k++) {
    const m = markers[k] as Marker;
    if (m.start >= at) break;
    // An opener keeps its language and line break with it; a closer is just its three backticks.
    const tagEnd = k % 2 === 0 ? m.end + m.lang.length + 1 : m.end;
    if (at > m.start && at < tagEnd && m.start > start) at = m.start;
  }
  const code = text.charCodeAt(at - 1);
  if (at - 1 > start && code >= 0xd800 && code <= 0xdbff) at -= 1;
  return at;
}
