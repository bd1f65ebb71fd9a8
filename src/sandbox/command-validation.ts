import { discordErrors, fieldError } from "./errors.js";

// Discord's checks on an application command body (create, edit, bulk overwrite). Failures are
// 400/50035 "Invalid Form Body" with the offending field's path (indexed by position in a bulk
// overwrite, e.g. `{"0": {"options": {"1": {"name": {"_errors": [...]}}}}}`).

type Json = Record<string, unknown>;
type Path = (string | number)[];

/** Command types: 1 CHAT_INPUT (slash), 2 USER and 3 MESSAGE (context menus). */
export const CommandType = { ChatInput: 1, User: 2, Message: 3 } as const;

/** Option types 1-11 (SUB_COMMAND … ATTACHMENT). */
export const OptionType = {
  Subcommand: 1,
  SubcommandGroup: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

/** A command body after validation, ready to store. */
export interface CommandInput {
  type: number;
  name: string;
  description: string;
  options: Json[];
  defaultMemberPermissions: string | null;
  contexts: number[] | null;
  nsfw: boolean;
}

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_OPTIONS = 25;
const MAX_CHOICES = 25;
const MAX_TOTAL_CHARACTERS = 8000;

function fail(path: Path, code: string, message: string): never {
  throw discordErrors.invalidFormBody(fieldError(path, code, message));
}

function checkName(value: unknown, path: Path, lowercase: boolean): string {
  if (typeof value !== "string") fail(path, "BASE_TYPE_REQUIRED", "This field is required");
  if (value.length < 1 || value.length > 32) fail(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.");
  if (!NAME.test(value) || (lowercase && value !== value.toLowerCase())) fail(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
  return value;
}

function checkDescription(value: unknown, path: Path): string {
  if (typeof value !== "string") fail(path, "BASE_TYPE_REQUIRED", "This field is required");
  if (value.length < 1 || value.length > 100) fail(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
  return value;
}

function checkList(value: unknown, path: Path, max: number): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, "BASE_TYPE_ARRAY", "Could not interpret value as array.");
  if (value.length > max) fail(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
  return value;
}

function asObject(value: unknown, path: Path): Json {
  if (!value || typeof value !== "object" || Array.isArray(value)) fail(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
  return value as Json;
}

function checkChoice(raw: unknown, path: Path, type: number): Json {
  const choice = asObject(raw, path);
  const name = choice["name"];
  if (typeof name !== "string" || name.length < 1 || name.length > 100) fail([...path, "name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
  const value = choice["value"];
  const fits =
    type === OptionType.String
      ? typeof value === "string" && value.length >= 1 && value.length <= 100
      : typeof value === "number" && Number.isFinite(value) && (type !== OptionType.Integer || Number.isInteger(value));
  if (!fits) fail([...path, "value"], "APPLICATION_COMMAND_OPTION_CHOICE_VALUE_INVALID", "Choice value does not match the option's type");
  return { name, value };
}

// Fields each option type may carry besides type/name/description/required.
function typedFields(option: Json, path: Path, type: number): Json {
  const out: Json = {};
  const choices = checkList(option["choices"], [...path, "choices"], MAX_CHOICES);
  if (choices.length > 0) {
    if (type !== OptionType.String && type !== OptionType.Integer && type !== OptionType.Number) {
      fail([...path, "choices"], "APPLICATION_COMMAND_OPTION_CHOICES_INVALID", "Only string, integer and number options may have choices");
    }
    if (option["autocomplete"] === true)
      fail([...path, "autocomplete"], "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES", "Autocomplete cannot be used with choices");
    out["choices"] = choices.map((c, i) => checkChoice(c, [...path, "choices", i], type));
  }
  if (type === OptionType.String) {
    for (const key of ["min_length", "max_length"] as const) {
      const v = option[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== "number" || !Number.isInteger(v) || v < (key === "min_length" ? 0 : 1) || v > 6000)
        fail([...path, key], "NUMBER_TYPE_MAX", "int value should be between 0 and 6000.");
      out[key] = v;
    }
  }
  if (type === OptionType.Integer || type === OptionType.Number) {
    for (const key of ["min_value", "max_value"] as const) {
      const v = option[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== "number" || (type === OptionType.Integer && !Number.isInteger(v)))
        fail([...path, key], "NUMBER_TYPE_COERCE", "Value is not a valid number.");
      out[key] = v;
    }
  }
  if (type === OptionType.Channel && Array.isArray(option["channel_types"])) out["channel_types"] = option["channel_types"];
  if (option["autocomplete"] === true) out["autocomplete"] = true;
  return out;
}

/** Checks one level of options; `level` 0 is the command, 1 inside a group or subcommand, 2 inside a grouped subcommand. */
function checkOptions(raw: unknown, path: Path, parent: number | null): Json[] {
  const list = checkList(raw, path, MAX_OPTIONS);
  const names = new Set<string>();
  let seenOptional = false;
  let nested = 0;
  const options = list.map((rawOption, i) => {
    const at: Path = [...path, i];
    const option = asObject(rawOption, at);
    const type = option["type"];
    if (typeof type !== "number" || !Number.isInteger(type) || type < 1 || type > 11) {
      fail([...at, "type"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.");
    }
    const name = checkName(option["name"], [...at, "name"], true);
    if (names.has(name)) fail([...at, "name"], "APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME", "Command option names must be unique");
    names.add(name);
    const description = checkDescription(option["description"], [...at, "description"]);
    const isNested = type === OptionType.Subcommand || type === OptionType.SubcommandGroup;
    if (isNested) nested++;
    if (parent === OptionType.SubcommandGroup && type !== OptionType.Subcommand) {
      fail([...at, "type"], "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Subcommand groups may contain only subcommands");
    }
    if (parent === OptionType.Subcommand && isNested) {
      fail([...at, "type"], "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Subcommands cannot contain subcommands or groups");
    }
    if (isNested) {
      const children = checkOptions(option["options"], [...at, "options"], type);
      if (type === OptionType.SubcommandGroup && children.length === 0) fail([...at, "options"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.");
      return { type, name, description, options: children };
    }
    const required = option["required"] === true;
    if (required && seenOptional)
      fail([...at, "required"], "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options");
    if (!required) seenOptional = true;
    return { type, name, description, required, ...typedFields(option, at, type) };
  });
  if (nested > 0 && nested < options.length) {
    fail(path, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-command and sub-command group option types are mutually exclusive to all other types");
  }
  return options;
}

/** Characters Discord counts toward a command's 8,000 limit: names, descriptions, choice names and values. */
function size(command: { name: string; description: string; options: Json[] }): number {
  const walk = (options: Json[]): number =>
    options.reduce<number>((sum, o) => {
      const choices = (o["choices"] as Json[] | undefined) ?? [];
      const choiceChars = choices.reduce<number>((n, c) => n + String(c["name"]).length + String(c["value"]).length, 0);
      return sum + String(o["name"]).length + String(o["description"]).length + choiceChars + walk((o["options"] as Json[] | undefined) ?? []);
    }, 0);
  return command.name.length + command.description.length + walk(command.options);
}

/** Validates a full command body (create or bulk overwrite entry) at `path` ([] for a single create). */
export function validateCommand(raw: unknown, path: Path = []): CommandInput {
  const body = asObject(raw, path);
  const type = body["type"] ?? CommandType.ChatInput;
  if (type !== CommandType.ChatInput && type !== CommandType.User && type !== CommandType.Message) {
    fail([...path, "type"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.");
  }
  const chat = type === CommandType.ChatInput;
  const name = checkName(body["name"], [...path, "name"], chat);
  let description = "";
  let options: Json[] = [];
  if (chat) {
    description = checkDescription(body["description"], [...path, "description"]);
    options = checkOptions(body["options"], [...path, "options"], null);
  } else {
    if (typeof body["description"] === "string" && body["description"] !== "") {
      fail([...path, "description"], "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION", "Context menu commands cannot have a description");
    }
    if (checkList(body["options"], [...path, "options"], MAX_OPTIONS).length > 0) {
      fail([...path, "options"], "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS", "Context menu commands cannot have options");
    }
  }
  if (size({ name, description, options }) > MAX_TOTAL_CHARACTERS) fail(path, "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (8000)");
  const perms = body["default_member_permissions"];
  if (perms !== undefined && perms !== null && !(typeof perms === "string" && /^\d{1,20}$/.test(perms))) {
    fail([...path, "default_member_permissions"], "BASE_TYPE_COERCE", "Could not interpret value as a permission bitfield");
  }
  const contexts = checkList(body["contexts"], [...path, "contexts"], 3);
  if (contexts.some((c) => c !== 0 && c !== 1 && c !== 2)) fail([...path, "contexts"], "BASE_TYPE_CHOICES", "Value must be one of {0, 1, 2}.");
  return {
    type,
    name,
    description,
    options,
    defaultMemberPermissions: typeof perms === "string" ? perms : null,
    contexts: Array.isArray(body["contexts"]) ? (contexts as number[]) : body["dm_permission"] === false ? [0] : null,
    nsfw: body["nsfw"] === true,
  };
}
