// Runs Ruff's flake8-bandit rules (select: ["S"]) over every .py file of a
// directory with the WebAssembly build of Ruff (@astral-sh/ruff-wasm-nodejs),
// one file at a time through one Workspace, and prints a one-line JSON
// summary: files, lines, diagnostics, diagnostics per code, seconds.
// bench/peers.sh times it next to fastapi-audit and Bandit.
//
//   node bench/ruff/run.mjs DIR [--out diagnostics.jsonl]
//
// The package is loaded from $RUFF_WASM_MODULES (a node_modules directory),
// by default ~/.cache/fastapi-audit-bench/ruff/node_modules, where
// bench/peers.sh installs it. With --out, every diagnostic is written as a
// JSON line {file, line, code} (file relative to DIR) for scoring.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { join, relative, sep } from "node:path";

const args = process.argv.slice(2);
let out = "";
const dirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--out") out = args[++i];
  else dirs.push(args[i]);
}
if (dirs.length !== 1 || out === undefined) {
  console.error("usage: node bench/ruff/run.mjs DIR [--out diagnostics.jsonl]");
  process.exit(2);
}
const root = dirs[0];
const modules = process.env.RUFF_WASM_MODULES || join(homedir(), ".cache", "fastapi-audit-bench", "ruff", "node_modules");
const require = createRequire(join(modules, "noop.js"));
let ruff;
try {
  ruff = require("@astral-sh/ruff-wasm-nodejs");
} catch (err) {
  console.error(`run.mjs: cannot load @astral-sh/ruff-wasm-nodejs from ${modules}: ${err.message}`);
  process.exit(3);
}

// pyFiles lists the .py files under dir, sorted, without following
// symbolic links and skipping directories Ruff excludes by default.
const skip = new Set([".git", ".hg", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".ruff_cache", ".tox", "build", "dist"]);
function pyFiles(dir, acc) {
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!skip.has(e.name)) pyFiles(path, acc);
    } else if (e.isFile() && e.name.endsWith(".py")) {
      acc.push(path);
    }
  }
  return acc;
}

const start = process.hrtime.bigint();
const files = pyFiles(root, []);
const ws = new ruff.Workspace({ lint: { select: ["S"] } }, ruff.PositionEncoding.Utf16);
const codes = {};
const lines = [];
let total = 0;
let nlines = 0;
let failed = 0;
for (const path of files) {
  const src = readFileSync(path, "utf8");
  nlines += src.split("\n").length - (src.endsWith("\n") ? 1 : 0);
  let diags;
  try {
    diags = ws.check(src);
  } catch (err) {
    failed++;
    continue;
  }
  for (const d of diags) {
    const code = d.code ?? "syntax";
    codes[code] = (codes[code] || 0) + 1;
    total++;
    if (out) lines.push(JSON.stringify({ file: relative(root, path).split(sep).join("/"), line: d.start_location.row, code }));
  }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
ws.free();
if (out) writeFileSync(out, lines.length ? lines.join("\n") + "\n" : "");
const sorted = Object.fromEntries(Object.entries(codes).sort());
console.log(JSON.stringify({ tool: "ruff-wasm " + ruff.Workspace.version(), files: files.length, lines: nlines, failed, diagnostics: total, codes: sorted, seconds }));
