#!/usr/bin/env node
// Generates src/generated/protocol.ts from the JSON Schema of the protocol (protocol/schema/ at the
// repository root). No dependencies: it understands the subset of JSON Schema the protocol uses
// (properties, required, $ref, allOf, oneOf, enum, const, type, items, additionalProperties, and
// if/then/else whose branches only add fields). `node scripts/generate-protocol.mjs` writes the file;
// `--check` exits 1 when the committed file differs (test/unit/generated.test.mjs runs the same check).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SCHEMA_DIR = join(here, '..', '..', '..', 'protocol', 'schema');
export const OUTPUT = join(here, '..', 'src', 'generated', 'protocol.ts');

function load(dir, rel) {
  return JSON.parse(readFileSync(join(dir, rel), 'utf8'));
}

function listJson(dir, sub) {
  return readdirSync(join(dir, sub), { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => posix.join(sub, e.name))
    .sort();
}

function pascal(s) {
  return s.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

const BASE_NAMES = { request: 'RequestBase', answer: 'AnswerBase', push: 'PushBase' };

/** The TypeScript name of a schema file (relative to the schema folder, posix separators). */
function fileTypeName(file) {
  const name = posix.basename(file, '.json');
  if (file.startsWith('client/')) return pascal(name) + 'Request';
  if (file.startsWith('server/ok/')) return pascal(name) + 'Ok';
  if (file === 'server/ok.json') return 'OkFrame';
  if (file.startsWith('server/')) {
    return ['welcome', 'resumed', 'pong', 'error'].includes(name) ? pascal(name) + 'Frame' : pascal(name) + 'Push';
  }
  throw new Error('no type name for ' + file);
}

function defTypeName(def) {
  return BASE_NAMES[def] ?? pascal(def);
}

function resolveRef(ref, file) {
  const [target, fragment = ''] = ref.split('#');
  const targetFile = target === '' ? file : posix.normalize(posix.join(posix.dirname(file), target));
  if (fragment === '' || fragment === '/') return fileTypeName(targetFile);
  const m = /^\/\$defs\/([A-Za-z0-9]+)$/.exec(fragment);
  if (!m || targetFile !== 'common.json') throw new Error(`unsupported $ref ${ref} in ${file}`);
  return defTypeName(m[1]);
}

function comment(text, indent) {
  if (!text) return '';
  const safe = text.replace(/\*\//g, '*\\/');
  return `${indent}/** ${safe} */\n`;
}

function literal(v) {
  return JSON.stringify(v);
}

/** Type names referenced by a then/else branch (its fields are only known to be possibly present). */
function branchRefs(node, file) {
  if (!node || typeof node !== 'object') return [];
  const out = [];
  if (node.$ref) out.push(resolveRef(node.$ref, file));
  for (const sub of node.allOf ?? []) out.push(...branchRefs(sub, file));
  return out;
}

function scalar(type) {
  switch (type) {
    case 'string': return 'string';
    case 'integer':
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'array': return 'unknown[]';
    case 'object': return 'Record<string, unknown>';
    default: throw new Error('unsupported type ' + type);
  }
}

/** Renders a schema node as a TypeScript type (null when it adds nothing, e.g. a bare `type: object`). */
function render(node, file, indent) {
  if (node === true || node === undefined) return null;
  const parts = [];
  if (node.$ref) parts.push(resolveRef(node.$ref, file));
  for (const sub of node.allOf ?? []) {
    const r = render(sub, file, indent);
    if (r) parts.push(r);
  }
  if (node.oneOf) parts.push('(' + node.oneOf.map((s) => render(s, file, indent) ?? 'unknown').join(' | ') + ')');
  if ('const' in node) parts.push(literal(node.const));
  else if (node.enum) parts.push(node.enum.map(literal).join(' | '));
  else if (node.properties && Object.keys(node.properties).length > 0) {
    parts.push(renderObject(node, file, indent));
  } else if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    parts.push(`{ [key: string]: ${render(node.additionalProperties, file, indent) ?? 'unknown'} }`);
  } else if (node.type === 'array') {
    const item = node.items ? render(node.items, file, indent) ?? 'unknown' : 'unknown';
    parts.push(/[ |&]/.test(item) ? `Array<${item}>` : `${item}[]`);
  } else if (node.type && node.type !== 'object') {
    parts.push(scalar(node.type));
  }
  for (const branch of [node.then, node.else]) {
    for (const name of branchRefs(branch, file)) parts.push(`Partial<${name}>`);
  }
  if (parts.length === 0) return node.type === 'object' && !node.allOf ? null : null;
  return parts.length === 1 ? parts[0] : parts.join(' & ');
}

function renderObject(node, file, indent) {
  const required = new Set(node.required ?? []);
  const inner = indent + '  ';
  let out = '{\n';
  for (const [key, prop] of Object.entries(node.properties)) {
    out += comment(prop.description, inner);
    const name = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : literal(key);
    out += `${inner}${name}${required.has(key) ? '' : '?'}: ${render(prop, file, inner) ?? 'unknown'};\n`;
  }
  return out + indent + '}';
}

function closeCodes(common) {
  return common.$defs.closeCode.oneOf.map((c) => {
    const status = c.properties.status.const;
    const reason = c.properties.reason.const;
    const advice = c.description.slice(c.description.indexOf(':') + 1).trim();
    const action = advice.startsWith('stop') ? 'stop' : /\bhello\b/.test(advice) ? 'hello' : 'resume';
    return { status, reason, action, advice };
  });
}

/** The generated module's text. */
export function generate(dir = SCHEMA_DIR) {
  const common = load(dir, 'common.json');
  const clientFrame = load(dir, 'client-frame.json');
  const serverFrame = load(dir, 'server-frame.json');
  const clientFiles = listJson(dir, 'client');
  const serverFiles = listJson(dir, 'server');
  const okFiles = listJson(dir, 'server/ok');

  let out = '// GENERATED from protocol/schema/ by scripts/generate-protocol.mjs: do not edit.\n'
    + '// `npm run generate` rewrites it; test/unit/generated.test.mjs fails when it is stale.\n'
    + '/* eslint-disable */\n\n';

  out += '// ---- common.json ----\n\n';
  for (const [def, node] of Object.entries(common.$defs)) {
    if (def === 'closeCode') continue; // rendered as CLOSE_CODES below
    out += comment(node.description, '');
    out += `export type ${defTypeName(def)} = ${render(node, 'common.json', '') ?? 'Record<string, unknown>'};\n\n`;
  }

  const section = (title, files) => {
    out += `// ---- ${title} ----\n\n`;
    for (const f of files) {
      const node = load(dir, f);
      out += comment(node.description, '');
      out += `export type ${fileTypeName(f)} = ${render(node, f, '') ?? 'Record<string, unknown>'};\n\n`;
    }
  };
  section('client/: requests', clientFiles);
  section('server/: answers and pushes', serverFiles.concat(['server/ok.json']).filter((f, i, a) => a.indexOf(f) === i).sort());
  section('server/ok/: the ok answer of each request', okFiles);

  const clientTypes = clientFrame.properties.type.enum;
  const serverTypes = serverFrame.properties.type.enum;
  const fileOfType = (side, t) => `${side}/${t}.json`;
  const pushTypes = serverTypes.filter((t) => {
    const node = load(dir, fileOfType('server', t));
    return (node.allOf ?? []).some((s) => s.$ref && s.$ref.endsWith('#/$defs/push'));
  });

  out += '// ---- frame unions and tables ----\n\n';
  out += '/** Any frame a client sends (client-frame.json). */\n';
  out += `export type ClientFrame =\n${clientTypes.map((t) => `  | ${fileTypeName(fileOfType('client', t))}`).join('\n')};\n\n`;
  out += '/** Any frame the server sends (server-frame.json). */\n';
  out += `export type ServerFrame =\n${serverTypes.map((t) => `  | ${fileTypeName(fileOfType('server', t))}`).join('\n')};\n\n`;
  out += '/** Frames the server sends on its own (no `re`). */\n';
  out += `export type PushFrame =\n${pushTypes.map((t) => `  | ${fileTypeName(fileOfType('server', t))}`).join('\n')};\n\n`;
  out += `export const CLIENT_FRAME_TYPES = ${literal(clientTypes)} as const;\n`;
  out += `export const SERVER_FRAME_TYPES = ${literal(serverTypes)} as const;\n`;
  out += `export const PUSH_TYPES = ${literal(pushTypes)} as const;\n`;
  out += `export const ERROR_CODES = ${literal(common.$defs.errorCode.enum)} as const;\n\n`;

  const special = { hello: 'WelcomeFrame', resume: 'ResumedFrame', ping: 'PongFrame' };
  out += '/** Per request type: the request frame and the frame answering it when it succeeds. */\n';
  out += 'export interface Requests {\n';
  for (const t of clientTypes) {
    const answer = special[t] ?? (okFiles.includes(`server/ok/${t}.json`) ? fileTypeName(`server/ok/${t}.json`) : 'OkFrame');
    out += `  ${literal(t)}: { request: ${fileTypeName(fileOfType('client', t))}; answer: ${answer} };\n`;
  }
  out += '}\n\n';

  out += '/** What a client does after the server closed the socket with this status (common.json closeCode). */\n';
  out += "export type CloseAction = 'stop' | 'resume' | 'hello';\n\n";
  out += '/** Every close status the server uses, its reason and what a client does (common.json closeCode). */\n';
  out += 'export const CLOSE_CODES: Readonly<Record<number, { readonly reason: string; readonly action: CloseAction; readonly advice: string }>> = {\n';
  for (const c of closeCodes(common)) {
    out += `  ${c.status}: { reason: ${literal(c.reason)}, action: ${literal(c.action)}, advice: ${literal(c.advice)} },\n`;
  }
  out += '};\n';
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = generate();
  if (process.argv.includes('--check')) {
    const current = readFileSync(OUTPUT, 'utf8');
    if (current !== text) {
      console.error(`${relative(process.cwd(), OUTPUT)} is stale: run npm run generate`);
      process.exit(1);
    }
  } else {
    writeFileSync(OUTPUT, text);
    console.log(`wrote ${relative(process.cwd(), OUTPUT)}`);
  }
}
