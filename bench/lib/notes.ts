/** The notes under the figures of docs/benchmarks.md. */
export function notes(quick: boolean): string[] {
  return [
    "Load: the machine is shared; every figure carries the 1-minute load average when it was taken (2 cores: a load above 2 means our processes waited for a CPU). Timings taken under a load above ≈ 4 are inflated by it, memory is not; compare figures within one run.",
    "Memory: RSS of the supervisor and every process it started (OpenCode servers and their children), read from /proc; shared pages count once per process, so isolated mode's figures overstate what the kernel holds.",
    "The supervisor runs with its defaults (BOBB_OPENCODE_MODE project, BOBB_LOGIN_SPACING 0, LOG_LEVEL info) except OPENCODE_HEALTH_TIMEOUT=180000, so that isolated servers starting together on 2 cores are not declared dead.",
    '"One prompt to all → all answered": BoBB and every child are mentioned at once in #general; every prompt runs in the one OpenCode server, whose prompts share one thread: the time grows with N (≈ 0.2–0.7 s of OpenCode CPU per prompt, more under load).',
    "Bots per GB: 1024 / the least-squares slope of total RSS after one prompt each over N.",
    ...(quick
      ? [
          "QUICK profile: project N = 0, 5, 10, isolated N = 0, 4, 20 messages, 2 activations, restart with 10 bots; run `npm run bench` for the published figures.",
        ]
      : []),
  ];
}
