#!/usr/bin/env node
// Runs an ONNX model with onnxruntime-node (CPU execution provider, one
// thread) as the reference for Iron's zoo comparison and benchmark:
//
//   node test/ort/run_ort.js MODEL.onnx [--input NAME=FILE.npy]...
//        [--output-dir DIR] [--bench N] [--warmup W]
//
// Every model input must be given as a .npy file (little-endian, C order;
// float32, float64, int64, int32, int8, uint8 or bool). Outputs are written
// as DIR/NAME.npy, with the characters of NAME other than [A-Za-z0-9_.-]
// replaced by '_' (as iron-run does).
//
// --bench N runs the model W times (default: max(1, floor(N/10)), as
// iron-run) and then N timed times in this process (performance.now around
// each session.run) and prints one line of JSON on stdout:
//   {"runs":N,"warmup":W,"median_ms":X,"p90_ms":Y,"min_ms":Z,"load_ms":L}
// Without --bench the model runs once.
//
// Session options: executionProviders ['cpu'], intraOpNumThreads 1,
// interOpNumThreads 1, executionMode 'sequential', graphOptimizationLevel
// 'all'. Install with `npm install --ignore-scripts` in this directory.
'use strict';

const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');

function die(message, code = 1) {
  process.stderr.write(`run_ort: error: ${message}\n`);
  process.exit(code);
}

let ort;
try {
  ort = require('onnxruntime-node');
} catch (e) {
  die(`cannot load onnxruntime-node (run \`npm install --ignore-scripts\` in ${__dirname}): ${e.message}`, 3);
}

// --- .npy ------------------------------------------------------------------

// numpy descr (without byte order) <-> onnxruntime tensor type.
const DTYPES = {
  f4: { ort: 'float32', array: Float32Array },
  f8: { ort: 'float64', array: Float64Array },
  i8: { ort: 'int64', array: BigInt64Array },
  i4: { ort: 'int32', array: Int32Array },
  i2: { ort: 'int16', array: Int16Array },
  i1: { ort: 'int8', array: Int8Array },
  u1: { ort: 'uint8', array: Uint8Array },
  b1: { ort: 'bool', array: Uint8Array },
};
const DESCR_OF_ORT = {};
for (const [descr, t] of Object.entries(DTYPES)) DESCR_OF_ORT[t.ort] = descr;

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY')
    throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  let headerLen, offset;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    headerLen = buf.readUInt32LE(8);
    offset = 12;
  } else {
    throw new Error(`${file}: unsupported .npy version ${major}`);
  }
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', offset, offset + headerLen);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) throw new Error(`${file}: malformed .npy header: ${header}`);
  if (fortran[1] === 'True') throw new Error(`${file}: Fortran-order arrays are not supported`);
  let code = descr[1];
  if (code === '|b1' || code === '|u1' || code === '|i1') code = code.slice(1);
  else if (code[0] === '<') code = code.slice(1);
  else if (code[0] === '=' || code[0] === '|') code = code.slice(1); // little-endian hosts only
  else throw new Error(`${file}: unsupported dtype '${descr[1]}' (big-endian?)`);
  const t = DTYPES[code];
  if (!t) throw new Error(`${file}: unsupported dtype '${descr[1]}'`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const start = offset + headerLen;
  const bytes = count * t.array.BYTES_PER_ELEMENT;
  if (buf.length - start < bytes)
    throw new Error(`${file}: truncated (${buf.length - start} data bytes, need ${bytes})`);
  // Copy into a fresh, aligned ArrayBuffer.
  const data = new t.array(count);
  new Uint8Array(data.buffer).set(buf.subarray(start, start + bytes));
  return new ort.Tensor(t.ort, data, dims);
}

function writeNpy(file, tensor) {
  const descr = DESCR_OF_ORT[tensor.type];
  if (!descr) throw new Error(`output type '${tensor.type}' cannot be written as .npy`);
  const prefix = descr === 'b1' || descr === 'u1' || descr === 'i1' ? '|' : '<';
  const dims = tensor.dims.map(Number);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${prefix}${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Magic (6) + version (2) + length (2) + header + '\n', padded to 64 bytes.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header + ' '.repeat(total - 10 - header.length - 1) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const data = tensor.data;
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const tmp = `${file}.tmp${process.pid}`;
  fs.writeFileSync(tmp, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
  fs.renameSync(tmp, file);
}

function safeFileName(name) {
  const s = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return s.length ? s : 'output';
}

// --- main ------------------------------------------------------------------

function parseArgs(argv) {
  const args = { model: null, inputs: {}, outputDir: null, bench: 0, warmup: null };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--input') {
      const spec = value();
      const eq = spec.indexOf('=');
      if (eq <= 0) die(`--input expects NAME=FILE.npy, got '${spec}'`);
      args.inputs[spec.slice(0, eq)] = spec.slice(eq + 1);
    } else if (a === '--output-dir') {
      args.outputDir = value();
    } else if (a === '--bench') {
      args.bench = Number(value());
      if (!Number.isInteger(args.bench) || args.bench < 1) die('--bench expects a positive number of runs');
    } else if (a === '--warmup') {
      args.warmup = Number(value());
      if (!Number.isInteger(args.warmup) || args.warmup < 0) die('--warmup expects a number >= 0');
    } else if (a === '-h' || a === '--help') {
      process.stdout.write(
        'usage: node run_ort.js MODEL.onnx [--input NAME=FILE.npy]... [--output-dir DIR]\n' +
          '                       [--bench N] [--warmup W]\n');
      process.exit(0);
    } else if (a.startsWith('-')) {
      die(`unknown option '${a}'`);
    } else if (args.model === null) {
      args.model = a;
    } else {
      die('more than one model given');
    }
  }
  if (args.model === null) die('no model given');
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const options = {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  const loadStart = performance.now();
  let session;
  try {
    session = await ort.InferenceSession.create(args.model, options);
  } catch (e) {
    die(`${args.model}: ${e.message}`, 2);
  }
  const loadMs = performance.now() - loadStart;

  const feeds = {};
  for (const name of session.inputNames) {
    const file = args.inputs[name];
    if (file === undefined) die(`no --input for model input '${name}'`);
    try {
      feeds[name] = readNpy(file);
    } catch (e) {
      die(`input '${name}': ${e.message}`, 2);
    }
    delete args.inputs[name];
  }
  const extra = Object.keys(args.inputs);
  if (extra.length) die(`--input names '${extra[0]}', which is not an input of the model`);

  let results;
  try {
    if (args.bench > 0) {
      const warmup = args.warmup !== null ? args.warmup : Math.max(1, Math.floor(args.bench / 10));
      for (let r = 0; r < warmup; ++r) results = await session.run(feeds);
      const times = [];
      for (let r = 0; r < args.bench; ++r) {
        const start = performance.now();
        results = await session.run(feeds);
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      const p90 = times[Math.min(times.length - 1, Math.floor(0.9 * times.length))];
      const round = (x) => Math.round(x * 1000) / 1000;
      process.stdout.write(JSON.stringify({
        runs: args.bench, warmup, median_ms: round(median), p90_ms: round(p90),
        min_ms: round(times[0]), load_ms: round(loadMs),
      }) + '\n');
    } else {
      results = await session.run(feeds);
    }
  } catch (e) {
    die(`run failed: ${e.message}`, 6);
  }

  if (args.outputDir !== null) {
    fs.mkdirSync(args.outputDir, { recursive: true });
    for (const name of session.outputNames) {
      try {
        writeNpy(path.join(args.outputDir, safeFileName(name) + '.npy'), results[name]);
      } catch (e) {
        die(`output '${name}': ${e.message}`, 5);
      }
    }
  }
}

main().catch((e) => die(e.stack || String(e)));
