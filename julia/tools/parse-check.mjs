// Parse every Julia file of AssocMem.jl with the tree-sitter Julia grammar
// (WebAssembly build, no native code, no Julia needed) and report each
// syntax error. Usage: npm ci && node parse-check.mjs [files...]
import { Parser, Language } from 'web-tree-sitter';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, '..', 'AssocMem.jl', 'src');
const files = process.argv.length > 2 ? process.argv.slice(2)
  : fs.readdirSync(src).filter((f) => f.endsWith('.jl')).map((f) => path.join(src, f));

await Parser.init();
const grammar = path.join(here, 'node_modules', 'tree-sitter-julia', 'tree-sitter-julia.wasm');
const parser = new Parser();
parser.setLanguage(await Language.load(grammar));

let problems = 0;
function report(file, text, node) {
  problems++;
  const what = node.isMissing ? `missing ${node.type}` : 'syntax error';
  const snippet = text.slice(node.startIndex, node.startIndex + 60).replace(/\n/g, '\\n');
  console.log(`${file}:${node.startPosition.row + 1}:${node.startPosition.column + 1}: ${what}: ${snippet}`);
}
function walk(file, text, node) {
  if (node.type === 'ERROR' || node.isMissing) return report(file, text, node);
  for (const child of node.children) walk(file, text, child);
}
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  walk(file, text, parser.parse(text).rootNode);
}
console.log(problems ? `${problems} syntax errors` : `${files.length} files parsed, no syntax error`);
process.exit(problems ? 1 : 0);
