import { discordErrors, fieldError } from "./errors.js";

// Message components (action rows of buttons, string selects) and modals (text inputs), checked the
// way Discord checks them and stored as the JSON Discord returns. Errors are 400/50035 with the path
// of the offending field, e.g. `components.0.components.1.custom_id`.

type Json = Record<string, unknown>;
type Path = (string | number)[];

/** Component types the sandbox knows. */
export const ComponentType = { ActionRow: 1, Button: 2, StringSelect: 3, TextInput: 4, TextDisplay: 10, Label: 18 } as const;

/** Button style 5 (Link) has a url and no custom_id; 6 (Premium) is not emulated. */
const LINK_STYLE = 5;

function fail(path: Path, code: string, message: string): never {
  throw discordErrors.invalidFormBody(fieldError(path, code, message));
}

function str(value: unknown, path: Path, min: number, max: number, required = true): string | undefined {
  if (value === undefined || value === null) {
    if (required) fail(path, "BASE_TYPE_REQUIRED", "This field is required");
    return undefined;
  }
  if (typeof value !== "string") fail(path, "BASE_TYPE_STRING", "Could not interpret value as string.");
  if (value.length < min || value.length > max) fail(path, "BASE_TYPE_BAD_LENGTH", `Must be between ${min} and ${max} in length.`);
  return value;
}

function int(value: unknown, path: Path, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(path, "NUMBER_TYPE_MAX", `int value should be between ${min} and ${max}.`);
  }
  return value;
}

function object(value: unknown, path: Path): Json {
  if (!value || typeof value !== "object" || Array.isArray(value)) fail(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
  return value as Json;
}

function list(value: unknown, path: Path, max: number): unknown[] {
  if (!Array.isArray(value)) fail(path, "BASE_TYPE_ARRAY", "Could not interpret value as array.");
  if (value.length > max) fail(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
  return value;
}

/** Drops undefined values so the stored JSON has only the fields that were set. */
function clean(json: Json): Json {
  return Object.fromEntries(Object.entries(json).filter(([, v]) => v !== undefined));
}

function button(raw: Json, path: Path, ids: Set<string>): Json {
  const style = int(raw["style"], [...path, "style"], 1, 5);
  if (style === undefined) fail([...path, "style"], "BASE_TYPE_REQUIRED", "This field is required");
  const label = str(raw["label"], [...path, "label"], 0, 80, false);
  const emoji = raw["emoji"] === undefined || raw["emoji"] === null ? undefined : object(raw["emoji"], [...path, "emoji"]);
  if (label === undefined && emoji === undefined) fail([...path, "label"], "BASE_TYPE_REQUIRED", "A button needs a label or an emoji");
  let customId: string | undefined;
  let url: string | undefined;
  if (style === LINK_STYLE) {
    url = str(raw["url"], [...path, "url"], 1, 512);
    if (raw["custom_id"] !== undefined) fail([...path, "custom_id"], "COMPONENT_LINK_BUTTON_CUSTOM_ID", "A link button cannot have a custom_id");
  } else {
    customId = str(raw["custom_id"], [...path, "custom_id"], 1, 100);
    if (raw["url"] !== undefined) fail([...path, "url"], "COMPONENT_BUTTON_URL", "Only link buttons have a url");
    uniqueId(customId ?? "", [...path, "custom_id"], ids);
  }
  const disabled = raw["disabled"] === undefined ? undefined : raw["disabled"] === true;
  return clean({ type: ComponentType.Button, id: raw["id"], style, label, emoji, custom_id: customId, url, disabled });
}

function stringSelect(raw: Json, path: Path, ids: Set<string>): Json {
  const customId = str(raw["custom_id"], [...path, "custom_id"], 1, 100) ?? "";
  uniqueId(customId, [...path, "custom_id"], ids);
  const options = list(raw["options"], [...path, "options"], 25).map((o, i) => object(o, [...path, "options", i]));
  if (options.length === 0) fail([...path, "options"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.");
  return { ...raw, type: ComponentType.StringSelect, custom_id: customId, options };
}

function uniqueId(customId: string, path: Path, ids: Set<string>): void {
  if (ids.has(customId)) fail(path, "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated");
  ids.add(customId);
}

/** Checks a message's `components` (up to 5 action rows of up to 5 buttons or one select) and returns what to store. */
export function parseMessageComponents(input: unknown): Json[] {
  if (input === undefined || input === null) return [];
  const ids = new Set<string>();
  return list(input, ["components"], 5).map((rawRow, r) => {
    const rowPath: Path = ["components", r];
    const row = object(rawRow, rowPath);
    if (row["type"] !== ComponentType.ActionRow) fail([...rowPath, "type"], "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).');
    const children = list(row["components"], [...rowPath, "components"], 5).map((rawChild, c) => {
      const path: Path = [...rowPath, "components", c];
      const child = object(rawChild, path);
      if (child["type"] === ComponentType.Button) return button(child, path, ids);
      if (child["type"] === ComponentType.StringSelect) return stringSelect(child, path, ids);
      return fail([...path, "type"], "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (2, 3).');
    });
    if (children.length === 0) fail([...rowPath, "components"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.");
    if (children.some((c) => c["type"] === ComponentType.StringSelect) && children.length > 1) {
      fail([...rowPath, "components"], "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width");
    }
    return clean({ type: ComponentType.ActionRow, id: row["id"], components: children });
  });
}

/** A text input as a modal stores it; `label` comes from the input (legacy action row) or its Label wrapper. */
export interface TextInputField {
  custom_id: string;
  style: number;
  label: string;
  min_length: number | undefined;
  max_length: number | undefined;
  required: boolean;
}

/** A modal as the app sent it, plus its text inputs flattened for submission. */
export interface ModalRecord {
  custom_id: string;
  title: string;
  components: Json[];
  inputs: TextInputField[];
}

function textInput(raw: Json, path: Path, ids: Set<string>, wrapperLabel?: string): { json: Json; field: TextInputField } {
  const customId = str(raw["custom_id"], [...path, "custom_id"], 1, 100) ?? "";
  uniqueId(customId, [...path, "custom_id"], ids);
  const style = int(raw["style"], [...path, "style"], 1, 2) ?? 1;
  const label = wrapperLabel ?? str(raw["label"], [...path, "label"], 1, 45) ?? "";
  const min = int(raw["min_length"], [...path, "min_length"], 0, 4000);
  const max = int(raw["max_length"], [...path, "max_length"], 1, 4000);
  if (min !== undefined && max !== undefined && min > max) fail([...path, "min_length"], "TEXT_INPUT_MIN_MAX", "min_length must not exceed max_length");
  str(raw["placeholder"], [...path, "placeholder"], 0, 100, false);
  const value = str(raw["value"], [...path, "value"], 0, 4000, false);
  const required = raw["required"] !== false;
  const json = clean({ ...raw, type: ComponentType.TextInput, custom_id: customId, style, value });
  return { json, field: { custom_id: customId, style, label, min_length: min, max_length: max, required } };
}

/** Checks a type 9 (MODAL) callback's data: custom_id, title 1-45, 1-5 text inputs (in action rows or labels). */
export function parseModal(input: unknown): ModalRecord {
  const raw = object(input, ["data"]);
  const customId = str(raw["custom_id"], ["data", "custom_id"], 1, 100) ?? "";
  const title = str(raw["title"], ["data", "title"], 1, 45) ?? "";
  const ids = new Set<string>();
  const inputs: TextInputField[] = [];
  const rows = list(raw["components"], ["data", "components"], 5);
  if (rows.length === 0) fail(["data", "components"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.");
  const components = rows.map((rawRow, r) => {
    const path: Path = ["data", "components", r];
    const row = object(rawRow, path);
    if (row["type"] === ComponentType.TextDisplay)
      return clean({ type: ComponentType.TextDisplay, id: row["id"], content: str(row["content"], [...path, "content"], 1, 4000) });
    if (row["type"] === ComponentType.Label) {
      const label = str(row["label"], [...path, "label"], 1, 45) ?? "";
      const child = object(row["component"], [...path, "component"]);
      if (child["type"] !== ComponentType.TextInput) fail([...path, "component", "type"], "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (4,).');
      const { json, field } = textInput(child, [...path, "component"], ids, label);
      inputs.push(field);
      return clean({ type: ComponentType.Label, id: row["id"], label, description: row["description"], component: json });
    }
    if (row["type"] !== ComponentType.ActionRow) fail([...path, "type"], "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1, 10, 18).');
    const children = list(row["components"], [...path, "components"], 1);
    const child = object(children[0], [...path, "components", 0]);
    if (child["type"] !== ComponentType.TextInput) fail([...path, "components", 0, "type"], "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (4,).');
    const { json, field } = textInput(child, [...path, "components", 0], ids);
    inputs.push(field);
    return clean({ type: ComponentType.ActionRow, id: row["id"], components: [json] });
  });
  if (inputs.length === 0) fail(["data", "components"], "MODAL_NO_INPUTS", "A modal needs at least one text input");
  return { custom_id: customId, title, components, inputs };
}

/** Finds a button by custom_id in a message's stored components. */
export function findButton(components: readonly Json[], customId: string): Json | undefined {
  for (const row of components) {
    for (const child of (row["components"] as Json[] | undefined) ?? []) {
      if (child["custom_id"] === customId) return child;
    }
  }
  return undefined;
}
