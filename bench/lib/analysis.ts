/**
 * The part of docs/benchmarks.md that explains the figures: where the memory and time go
 * (from the probes, bench/probe-clients.ts and bench/probe-opencode.ts, run by hand), the
 * design chosen and the alternatives measured. Written from the probe runs of 2026-12-02;
 * rerun the probes and update this text when the design changes.
 */
export const ANALYSIS: readonly string[] = [
  "## Where the memory and time go",
  "",
  "Measured first, with two probes, on 2026-12-02 on this machine while other engineers' jobs kept it loaded (1-minute load average 9.5–11.8 on 2 cores, given with each figure): times are inflated by that load, memory is not.",
  "",
  "**The supervisor: one discord.js client per bot** (`npx tsx bench/probe-clients.ts --bots=100 --messages=200 [--defaults]`: 100 clients of 100 applications in one child process, the sandbox in another, 200 messages posted in #general, which every client receives). Per client, RSS / V8 heap:",
  "",
  "| caches | idle, online | after 200 messages seen by every client | 100 clients: heap in all after traffic | all online (no spacing) | load |",
  "|---|---|---|---|---|---|",
  "| BoBB's limits (src/discord/client-cache.ts) | 0.18 MB / 0.11 MB | 0.56 MB / 0.15 MB | 40 MB | 4.9 s | 11.8 |",
  "| discord.js defaults | 0.26 MB / 0.10 MB | 0.79 MB / 0.52 MB | 77 MB | 3.6 s | 11.2 |",
  "",
  "With the defaults a client keeps 200 messages per channel and every member and user it ever saw, so the heap grows with traffic × bots; with the limits it keeps the prompt's history window (20 messages per channel), at most 200 members per guild and 500 users, and no presences, reactions, emojis, stickers, voice states, invites, bans, scheduled events, stage instances, automod rules or thread members. The product reads only guilds, channels, roles, the last messages of a channel (history), members (list_members, turn origin) and users (names). So 1,000 clients cost ≈ 200 MB idle and stay bounded under traffic: the supervisor is not where the memory goes.",
  "",
  "**OpenCode: per directory versus per session** (`npx tsx bench/probe-opencode.ts --bots=10`: one server, 10 bots registered, each asked once in a new session, then once more in a second session; the instant scripted model):",
  "",
  "| figure | project mode: one directory, persona per prompt | shared mode: one directory per bot |",
  "|---|---|---|",
  "| server RSS with 10 bots registered, before any prompt | 327 MB | 338 MB |",
  "| first prompt of the first bot (builds the directory's instance: provider, agent, system prompt, location services) | 5.4 s | 5.6 s |",
  "| first prompt of each further bot | 0.73 s mean (a new session) | 2.7 s mean (a new directory instance) |",
  "| memory of each further bot after its first prompt | ≈ 1.5–2 MB (one session) | 69 MB (one instance) |",
  "| a second session of a bot | 0.46 s, 1.5 MB | 0.28 s, ≈ 0 MB |",
  "| server RSS after every bot's first prompt | 541 MB | 1029 MB |",
  "| load during the probe | 9.5–10.5 | 10.5 |",
  "",
  "So a directory costs ≈ 70 MB and ≈ 2.5 s of OpenCode's single-threaded CPU the first time it is used, a session ≈ 1.5 MB and well under a second. An OpenCode prompt with `noReply: true` (no model call) in a fresh session does not build the instance state: the first real prompt after it still took 3.4 s (3.2 s without it, load 10). The instance is built by the first model call of each directory, whatever route warms it.",
  "",
  "## Design chosen: project mode (the default)",
  "",
  "One `opencode serve` and one project directory, `agents/_bots`, for every child bot: one chat agent config with our two tools and deny-by-default permissions, loaded once. Each bot's persona (its `agents/<id>/AGENTS.md`, read at each prompt, so an edit applies at the next one) is sent with each prompt as the `system` field of OpenCode's prompt body. BoBB keeps its own directory (`agents/bobb`, its registry tools) on the same server. The tools in `agents/_bots` hold one project key (a 0600 file outside every agent directory, never in a prompt); the tool API turns it into the identity of the bot whose prompt the bridge is running in the calling OpenCode session (the session id comes from OpenCode's tool context, never from the model), and refuses it outside a live turn, for a stopped or removed bot, and for BoBB's sessions. Adding, editing or removing a bot writes no config and unloads nothing: the others keep their warm instance (test/opencode/project.test.ts).",
  "",
  "Alternatives measured against it: **isolated** (one server per bot, the spec's layout; still a setting): ≈ 465 MB per bot (run of 2026-11-23) and ≈ 3.5 s to activate. **shared** (one server, one directory per bot; still a setting): ≈ 43–69 MB and ≈ 2.5 s of OpenCode CPU per bot's first prompt. **Warming directories in the background** after all bots are online: needs a model call per directory (see above) and still leaves ≈ 70 MB per bot; not needed once there is one directory. **A pool of servers (one per core)**: not built: every server pays its own ≈ 300 MB and its own instance boot, and per-bot memory is already a session; it would only spread prompt CPU over cores (OpenCode runs prompts on one thread), which is what limits throughput when hundreds of bots answer at once (the \"one prompt to all\" column above), not memory.",
  "",
];
