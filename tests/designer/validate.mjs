// validate.mjs: the checks behind validate_npm.sh, run by node with the
// packages npm installed under PREFIX:
//
//   node validate.mjs PREFIX SCHEMA --bpmn FILE... --json FILE...
//
// Every BPMN file must import into bpmn-moddle with no warnings, and its
// diagram must draw every flow element: a shape for each flow node, an edge
// with two waypoints or more for each sequence flow and association. Every
// JSON file must validate against SCHEMA (JSON Schema 2020-12, ajv). Prints
// a line per failure and a summary; exits 1 when anything failed.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [prefix, schemaPath, ...rest] = process.argv.slice(2);
const require = createRequire(join(resolve(prefix), 'package.json'));
const files = { bpmn: [], json: [] };
let list = null;
for (const arg of rest) {
  if (arg === '--bpmn' || arg === '--json') list = files[arg.slice(2)];
  else if (list) list.push(arg);
}

let failures = 0;
function fail(file, message) {
  failures++;
  console.log(`FAIL: ${basename(file)}: ${message}`);
}

// The flow elements and artifacts of a process or sub-process, at any depth.
function* elements(container) {
  for (const e of container.flowElements || []) {
    yield e;
    if (e.$type === 'bpmn:SubProcess') yield* elements(e);
  }
  for (const a of container.artifacts || []) yield a;
}

async function checkBpmn() {
  const url = pathToFileURL(require.resolve('bpmn-moddle')).href;
  const mod = await import(url);
  const BpmnModdle = mod.BpmnModdle || mod.default;   // v10 names it
  for (const file of files.bpmn) {
    const moddle = new BpmnModdle();
    let result;
    try {
      result = await moddle.fromXML(readFileSync(file, 'utf8'));
    } catch (e) {
      fail(file, `bpmn-moddle cannot read it: ${e.message}`);
      continue;
    }
    for (const w of result.warnings) fail(file, `bpmn-moddle: ${w.message}`);
    const defs = result.rootElement;
    const processes = defs.rootElements.filter((e) => e.$type === 'bpmn:Process');
    if (processes.length !== 1) {
      fail(file, `${processes.length} processes, not one`);
      continue;
    }
    const plane = defs.diagrams?.[0]?.plane;
    const drawn = new Map();
    for (const d of plane?.planeElement || []) drawn.set(d.bpmnElement?.id, d);
    let count = 0;
    for (const e of elements(processes[0])) {
      count++;
      const d = drawn.get(e.id);
      const edge = e.$type === 'bpmn:SequenceFlow' || e.$type === 'bpmn:Association';
      if (!d) fail(file, `${e.id} (${e.$type}) is not in the diagram`);
      else if (edge && (d.$type !== 'bpmndi:BPMNEdge' || (d.waypoint || []).length < 2))
        fail(file, `${e.id} is not drawn as an edge with two waypoints or more`);
      else if (!edge && (d.$type !== 'bpmndi:BPMNShape' || !d.bounds))
        fail(file, `${e.id} is not drawn as a shape with bounds`);
    }
    if (count === 0) fail(file, 'the process holds no flow element');
  }
}

function checkJson() {
  if (files.json.length === 0) return;
  if (!existsSync(schemaPath)) {
    fail(schemaPath, 'no such file: the JSON exports cannot be validated ' +
         'until the mig-graph JSON Schema exists');
    return;
  }
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  const Ajv2020 = require('ajv/dist/2020').default;
  const ajv = new Ajv2020({ allErrors: true });
  if (JSON.stringify(schema).match(/"format":"/))
    require('ajv-formats').default(ajv);
  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (e) {
    fail(schemaPath, `ajv cannot compile the schema: ${e.message}`);
    return;
  }
  for (const file of files.json) {
    let doc;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      fail(file, `not JSON: ${e.message}`);
      continue;
    }
    if (!validate(doc))
      for (const e of validate.errors.slice(0, 20))
        fail(file, `${e.instancePath || '/'} ${e.message} (${e.schemaPath})`);
  }
}

await checkBpmn();
checkJson();
console.log(`${files.bpmn.length} BPMN and ${files.json.length} JSON exports ` +
            `checked, ${failures} failures`);
process.exit(failures ? 1 : 0);
