import { describe, expect, it } from "vitest";
import { findDuplicateKey } from "./json-keys.js";

describe("findDuplicateKey", () => {
  it("finds none in ordinary JSON, keys in sibling objects and arrays included", () => {
    expect(findDuplicateKey('{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}],"d":"\\"x\\""}')).toBeUndefined();
  });

  it("names the key, the object's path and the line and column of the second one", () => {
    expect(findDuplicateKey('{\n  "agents": {\n    "chef": {"port": 1,\n      "port": 2}\n  }\n}')).toEqual({
      key: "port",
      path: "agents.chef",
      line: 4,
      column: 7,
    });
  });

  it("compares decoded keys, looks inside arrays, and sees a duplicate at the top level", () => {
    expect(findDuplicateKey('{"a":1,"\\u0061":2}')).toMatchObject({ key: "a", path: "" });
    expect(findDuplicateKey('{"list":[1,{"k":1,"k":2}]}')).toMatchObject({ key: "k", path: "list.1" });
  });
});
