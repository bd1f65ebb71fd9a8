// @ts-check
// No import cycles, type-only imports included (ARCHITECTURE §4). eslint-plugin-import-x's
// `no-cycle` always skips `import type`, so this rule reads the import graph from the
// TypeScript program that typed linting already builds, and reports every import whose
// target leads back to the importing file.
import ts from "typescript";

/** @typedef {{ edges: Map<string, Map<string, string>>, component: Map<string, number> }} Graph */

/** @type {WeakMap<ts.Program, Graph>} */
const graphs = new WeakMap();

/** Our own modules only: no declaration files, nothing from node_modules. */
function isOwn(/** @type {string} */ file) {
  return !file.includes("/node_modules/") && !file.endsWith(".d.ts");
}

/** Every static import/export of every source file, resolved, and the strongly connected components. */
function graphOf(/** @type {ts.Program} */ program) {
  let graph = graphs.get(program);
  if (graph) return graph;
  const options = program.getCompilerOptions();
  const cache = ts.createModuleResolutionCache(program.getCurrentDirectory(), (f) => f, options);
  /** @type {Map<string, Map<string, string>>} file → (specifier → resolved file) */
  const edges = new Map();
  for (const source of program.getSourceFiles()) {
    if (!isOwn(source.fileName)) continue;
    const out = new Map();
    for (const statement of source.statements) {
      if (!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement))) continue;
      const spec = statement.moduleSpecifier;
      if (!spec || !ts.isStringLiteral(spec)) continue;
      const resolved = ts.resolveModuleName(spec.text, source.fileName, options, ts.sys, cache).resolvedModule;
      if (resolved && !resolved.isExternalLibraryImport && isOwn(resolved.resolvedFileName)) out.set(spec.text, resolved.resolvedFileName);
    }
    edges.set(source.fileName, out);
  }
  graph = { edges, component: components(edges) };
  graphs.set(program, graph);
  return graph;
}

/** Tarjan's strongly connected components; a file alone in its component is in no cycle (-1). */
function components(/** @type {Map<string, Map<string, string>>} */ edges) {
  /** @type {Map<string, number>} */ const index = new Map();
  /** @type {Map<string, number>} */ const low = new Map();
  /** @type {Map<string, number>} */ const component = new Map();
  /** @type {string[]} */ const stack = [];
  const onStack = new Set();
  let next = 0;
  let count = 0;
  const visit = (/** @type {string} */ file) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of edges.get(file)?.values() ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(/** @type {number} */ (low.get(file)), /** @type {number} */ (low.get(target))));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(/** @type {number} */ (low.get(file)), /** @type {number} */ (index.get(target))));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    /** @type {string[]} */ const members = [];
    let member;
    do {
      member = /** @type {string} */ (stack.pop());
      onStack.delete(member);
      members.push(member);
    } while (member !== file);
    const id = members.length > 1 ? count++ : -1;
    for (const m of members) component.set(m, id);
  };
  for (const file of edges.keys()) if (!index.has(file)) visit(file);
  return component;
}

/** The shortest way from `from` back to `to` (both in one component), for the message. */
function pathBack(/** @type {Graph} */ graph, /** @type {string} */ from, /** @type {string} */ to) {
  const id = graph.component.get(to);
  /** @type {Map<string, string | undefined>} */ const previous = new Map([[from, undefined]]);
  const queue = [from];
  while (queue.length > 0) {
    const file = /** @type {string} */ (queue.shift());
    if (file === to) break;
    for (const target of graph.edges.get(file)?.values() ?? []) {
      if (previous.has(target) || graph.component.get(target) !== id) continue;
      previous.set(target, file);
      queue.push(target);
    }
  }
  /** @type {string[]} */ const path = [];
  for (let at = /** @type {string | undefined} */ (to); at !== undefined; at = previous.get(at)) path.unshift(at);
  return path;
}

/** @type {import("eslint").Rule.RuleModule} */
export default {
  meta: {
    type: "problem",
    docs: { description: "Forbid import cycles, type-only imports included" },
    messages: { cycle: "Import cycle: {{path}}" },
    schema: [],
  },
  create(context) {
    const program = /** @type {ts.Program | undefined} */ (context.sourceCode.parserServices?.program);
    if (!program) return {};
    const file = context.physicalFilename;
    const graph = graphOf(program);
    const own = graph.component.get(file);
    if (own === undefined || own < 0) return {};
    const root = program.getCurrentDirectory();
    /** @param {import("estree").ImportDeclaration | import("estree").ExportNamedDeclaration | import("estree").ExportAllDeclaration} node */
    const check = (node) => {
      if (!node.source || typeof node.source.value !== "string") return;
      const target = graph.edges.get(file)?.get(node.source.value);
      if (!target || graph.component.get(target) !== own) return;
      const path = [file, ...pathBack(graph, target, file)].map((f) => f.slice(root.length + 1)).join(" → ");
      context.report({ node: node.source, messageId: "cycle", data: { path } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
