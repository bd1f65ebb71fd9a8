/**
 * How a demo bot sounds: a few sentences in character, made from the persona text it was given
 * (a chef names a dish of its cuisine, a pirate says "arr", any other persona uses its own words).
 * Deterministic: the same persona and message always give the same answer (a seeded PRNG), so
 * tests are stable, while different messages get different sentences.
 */

/** A seeded random source: `pick` from a list, the same picks for the same seed text. */
export interface Dice {
  pick<T>(items: readonly T[]): T;
}

/** FNV-1a of the text, then mulberry32. */
export function dice(seedText: string): Dice {
  let h = 0x811c9dc5;
  for (let i = 0; i < seedText.length; i++) h = Math.imul(h ^ seedText.charCodeAt(i), 0x01000193);
  let a = h >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { pick: (items) => items[Math.floor(next() * items.length)]! };
}

const STOP = new Set(
  (
    "a an the and or but of to in on at for with from by as is are was be been it its this that these those you your yours " +
    "i me my we our they them their he she his her who whom what which when where why how very really just only also " +
    "bot bots always never every each some any all more most less like likes loves love talks talk says say speaks " +
    "friendly concise character stays stay keep short reply replies about into than then there here not no yes can will would should"
  ).split(" "),
);

/** The persona's own content words, in order, without repeats ("basil", "sea", "jokes"). */
export function personaWords(persona: string): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const raw of persona.toLowerCase().match(/[\p{L}][\p{L}'-]{2,}/gu) ?? []) {
    const word = raw.replace(/'s$/, "");
    if (STOP.has(word) || seen.has(word)) continue;
    seen.add(word);
    words.push(word);
  }
  return words;
}

const LIKING = /\b(?:loves?|likes|adores?|enjoys?|obsessed with|into|about|fan of)\s+([^.;!?]+)/giu;

/** What the persona loves or is about, in its own words ("basil", "the sea", "cardboard boxes"). */
export function personaLikes(persona: string): string[] {
  const likes: string[] = [];
  for (const match of persona.matchAll(LIKING)) {
    for (const item of match[1]!.split(/,|\band\b|\bor\b/)) {
      const thing = item
        .trim()
        .replace(/^(?:a|an|his|her|their|its|all|every)\s+/i, "")
        .trim();
      if (thing && thing.split(/\s+/).length <= 3 && !likes.includes(thing)) likes.push(thing);
    }
  }
  return likes;
}

const DISHES: Array<[RegExp, string[]]> = [
  [/\bital/i, ["risotto alla milanese", "spaghetti carbonara", "pasta al pomodoro with fresh basil", "a margherita pizza", "osso buco"]],
  [/\bfrench|paris|bread|baguette|bak/i, ["coq au vin", "ratatouille", "a warm baguette with brie", "a croque monsieur", "crêpes with lemon"]],
  [/\bjapan|sushi|ramen/i, ["miso ramen", "salmon nigiri", "chicken katsu curry", "okonomiyaki"]],
  [/\bmexic|taco/i, ["tacos al pastor", "chicken enchiladas", "a bowl of pozole", "guacamole with fresh tortillas"]],
  [/\bindia|curry/i, ["chana masala", "butter chicken", "a dal tadka", "palak paneer"]],
  [/\bvegan|vegetarian|plant/i, ["a chickpea and spinach stew", "roasted vegetable lasagne", "a lentil shepherd's pie"]],
];
const ANY_DISH = ["a one-pan shakshuka", "lemon garlic chicken", "a hearty vegetable soup", "a mushroom omelette"];

interface Archetype {
  test: RegExp;
  /** Sentences for an answer; `topic` is a word of the persona, `dish` a dish of its cuisine. */
  lines: (w: { topic: string | undefined; dish: string; fridge: boolean }) => string[];
  openers?: string[];
}

const ARCHETYPES: Archetype[] = [
  {
    test: /\b(chef|cooks?|cooking|kitchen|recipes?|food|bakes?|baker|cuisine)\b/i,
    lines: ({ dish, topic, fridge }) => [
      `Tonight I'd make ${dish}.`,
      `How about ${dish}? Simple and honest.`,
      `My pick is ${dish}, no shortcuts.`,
      `Nothing beats ${dish} when it's done right.`,
      fridge
        ? "Tell me what's in your fridge and I'll turn it into dinner."
        : topic
          ? `Everything tastes better with a little ${topic}.`
          : "Everything tastes better made with love.",
    ],
  },
  {
    test: /\b(pirates?|sea|ships?|sail\w*|captain|treasure|matey)\b/i,
    openers: ["Arr!", "Arr, matey!", "Yo ho ho, arr!"],
    lines: ({ topic }) => [
      "The sea has answers for them that listen.",
      "I'd wager me last doubloon on it.",
      "Hoist the sails, we're going after it.",
      topic ? `Nothing a pirate loves more than ${topic}, arr.` : "A pirate's life for me, arr.",
      "Keep yer eyes on the horizon.",
    ],
  },
  {
    test: /\b(robots?|android|machine|computer)\b/i,
    openers: ["Beep boop.", "Processing... done."],
    lines: ({ topic }) => [`My circuits say ${topic ?? "yes"} is the answer.`, "Calculation complete: that is a good plan.", "All systems nominal."],
  },
  {
    test: /\b(presidents?|politic\w*|senator|trump|biden|campaign)\b/i,
    openers: ["Folks!", "Believe me!", "Let me be clear."],
    lines: ({ topic }) => [
      `Nobody knows ${topic ?? "this"} better than me.`,
      "We're going to get it done, and it's going to be tremendous.",
      `This is about ${topic ?? "the people"}, plain and simple.`,
    ],
  },
];

/** Two sentences in character for a message, made from the persona (one with `sentences: 1`, for a debate line). */
export function inCharacter(persona: string, message: string, seed: string, sentences: 1 | 2 = 2): string {
  const roll = dice(`${seed}\u0000${message}`);
  const likes = personaLikes(persona);
  const type = ARCHETYPES.find((a) => a.test.test(persona));
  const cuisine = DISHES.find(([test]) => test.test(persona))?.[1] ?? ANY_DISH;
  if (type) {
    const context = { topic: likes.length > 0 ? roll.pick(likes) : undefined, dish: roll.pick(cuisine), fridge: /\bfridge\b/i.test(persona) };
    const lines = type.lines(context);
    const first = roll.pick(lines);
    const second = roll.pick(lines.filter((l) => l !== first));
    const opener = type.openers ? `${roll.pick(type.openers)} ` : "";
    return sentences === 1 ? `${opener}${first}` : `${opener}${first} ${second}`;
  }
  const words = likes.length > 0 ? likes : personaWords(persona);
  const topic = words.length > 0 ? roll.pick(words) : "a good chat";
  const other = words.filter((w) => w !== topic);
  const also = other.length > 0 ? roll.pick(other) : topic;
  if (sentences === 1) return roll.pick([`Everything comes back to ${topic} with me.`, `You know me: ${topic} first.`, `Think of ${also}, then ask me again.`]);
  return roll.pick([
    `Everything comes back to ${topic} with me. And ${also}, of course.`,
    `You know me: ${topic} first, then ${also}.`,
    `That's a ${topic} question if I ever heard one. Ask me about ${also} next.`,
    `Let me put it in ${topic} terms: it's all about ${also}.`,
  ]);
}
