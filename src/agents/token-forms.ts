import type { Logger } from "../log/index.js";
import type { Agent, RegistryPort } from "../registry/index.js";
import { tokenButtons, type ReplyButtons, type TokenFormHandlers } from "../discord/index.js";
import type { TokenIntake } from "./intake.js";
import { INTAKE_TEXT } from "./messages.js";

/** The part of a live turn the buttons are decided from: who wrote to which bot, and when. */
export interface TurnFacts {
  agentId: string;
  authorId: string;
  startedAt: number;
}

/** Bots BoBB created in this turn for its author that still wait for a token (the registry records the creator from the turn). */
export function createdInTurn(agents: readonly Agent[], turn: TurnFacts): Agent[] {
  if (turn.agentId !== "bobb" || !turn.authorId) return [];
  return agents.filter((a) => a.status === "pending_token" && a.created_by === turn.authorId && Date.parse(a.created_at) >= turn.startedAt);
}

/**
 * The token form as the supervisor wires it: "Submit token" buttons under BoBB's reply in a
 * turn that created a bot (the model cannot attach them), and BoBB's client answering the
 * buttons and the modal through token intake.
 */
export function tokenForms(options: { registry: RegistryPort; intake: TokenIntake; logger: Logger }) {
  const { registry, intake, logger } = options;
  return {
    replyButtons(turn: TurnFacts): ReplyButtons | undefined {
      const created = createdInTurn(Object.values(registry.snapshot.agents), turn);
      if (created.length === 0) return undefined;
      return { components: tokenButtons(created), text: INTAKE_TEXT.formPrompt(created.map((a) => a.name)) };
    },
    /** What BoBB's interaction router calls for the form's buttons and modal submits. */
    handlers(): TokenFormHandlers {
      return {
        logger,
        agent: (id) => registry.snapshot.agents[id],
        refusal: (id, userId) => intake.formRefusal(id, userId),
        submit: (submission) => intake.submitForm(submission),
      };
    },
  };
}
