#!/usr/bin/env node
// Times fhirpath.js (HL7's JavaScript FHIRPath engine) on the pairs Fhir.Bench.Path writes:
//   node fhirpath-js-bench.js <work.json> <seconds>
// work.json: {inputs: [resource JSON...], pairs: [{expression, input: index or -1}], warmupSeconds,
//             compileWarmupSeconds, compileSeconds}.
// Each expression is compiled once with fhirpath.compile(expr, model); pairs that throw (or need async) are dropped.
// Prints one JSON object on stdout; progress goes to stderr.
'use strict';

const fs = require('fs');

// fhirpath.js writes warnings (truncated calendar quantities) and default trace output with console.warn/log: that
// would cost I/O inside the timed loop and could corrupt the JSON on stdout. The C# side logs nothing either.
const say = (text) => process.stderr.write(text + '\n');
console.log = () => {};
console.warn = () => {};

let fhirpath;
let model;
try {
  fhirpath = require('fhirpath');
  model = require('fhirpath/fhir-context/r4');
} catch (e) {
  say(`fhirpath.js is not installed (${e.message.split('\n')[0]}). Run: cd bench/Fhir.Bench.Path && npm install`);
  process.exit(2);
}

const [file, secondsArg] = process.argv.slice(2);
if (!file) {
  say('usage: node fhirpath-js-bench.js <work.json> [seconds]');
  process.exit(64);
}
const work = JSON.parse(fs.readFileSync(file, 'utf8'));
const seconds = Number(secondsArg ?? 10);
const warmupSeconds = Number(work.warmupSeconds ?? 2);
const compileWarmupSeconds = Number(work.compileWarmupSeconds ?? 1);
const compileSeconds = Number(work.compileSeconds ?? 2);

// resolveInternalTypes: false returns fhirpath.js's own nodes, as the C# engine returns its ElementNodes, and
// keeps the shared inputs untouched (the default conversion tags result objects with a hidden __path__, which a
// later evaluation on the same object would pick up). traceFn: trace() output is discarded, as on the C# side.
const options = { resolveInternalTypes: false, traceFn: () => {} };

// An input index of -1 means no input: the empty collection, as the C# side passes null.
const inputOf = (pair) => (pair.input >= 0 ? work.inputs[pair.input] : []);

const kept = [];
const failures = [];
const compiled = new Map();
work.pairs.forEach((pair, index) => {
  try {
    let fn = compiled.get(pair.expression);
    if (!fn) {
      fn = fhirpath.compile(pair.expression, model, options);
      compiled.set(pair.expression, fn);
    }
    const input = inputOf(pair);
    const result = fn(input);
    if (!Array.isArray(result)) {
      if (result && typeof result.catch === 'function') result.catch(() => {});
      throw new Error('asynchronous result (needs options.async)');
    }
    kept.push({ index, fn, input, count: result.length });
  } catch (e) {
    failures.push({ index, error: String((e && e.message) || e).split('\n')[0].slice(0, 300) });
  }
});

// Runs every kept pair in turn until `ms` have passed; checks the clock after each full pass.
function loop(ms) {
  let evaluations = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(ms * 1e6));
  let now;
  do {
    for (let i = 0; i < kept.length; i++) {
      const k = kept[i];
      sink += k.fn(k.input).length;
    }
    evaluations += kept.length;
    now = process.hrtime.bigint();
  } while (now < end);
  return { evaluations, seconds: Number(now - start) / 1e9, sink };
}

// Compile time: every distinct kept expression, uncached, repeated for compileSeconds.
function compileLoop(ms) {
  const expressions = [...new Set(kept.map((k) => work.pairs[k.index].expression))];
  let count = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(ms * 1e6));
  let now;
  do {
    for (const expression of expressions) fhirpath.compile(expression, model, options);
    count += expressions.length;
    now = process.hrtime.bigint();
  } while (now < end);
  return { expressions: expressions.length, microseconds: Number(now - start) / 1e3 / count };
}

let timed = { evaluations: 0, seconds: 0, sink: 0 };
let compile = { expressions: 0, microseconds: 0 };
if (kept.length > 0) {
  say(`fhirpath.js: ${kept.length} of ${work.pairs.length} pairs evaluate; warm-up ${warmupSeconds} s, then ${seconds} s`);
  loop(warmupSeconds * 1000);
  timed = loop(seconds * 1000);
  compileLoop(compileWarmupSeconds * 1000);
  compile = compileLoop(compileSeconds * 1000);
}

process.stdout.write(JSON.stringify({
  engine: 'fhirpath.js',
  version: fhirpath.version,
  node: process.version,
  pairs: kept.length,
  kept: kept.map((k) => k.index),
  counts: kept.map((k) => k.count),
  failures,
  evaluations: timed.evaluations,
  seconds: timed.seconds,
  evaluationsPerSecond: timed.seconds > 0 ? timed.evaluations / timed.seconds : 0,
  compiledExpressions: compile.expressions,
  compileMicroseconds: compile.microseconds,
}) + '\n');
