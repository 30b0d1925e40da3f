// Typesets the book at build time, so pages need no JavaScript to show math or code.
//
// Reads one JSON object on standard input:
//   { "katex": "/usr/share/javascript/katex/katex.js",
//     "highlight": "/usr/share/javascript/highlight.js/highlight.js",
//     "jobs": [ { "kind": "math", "source": "W_{hh}", "display": false },
//               { "kind": "swift", "source": "let x = 1" } ] }
// and writes a JSON array with one { "html": ... } or { "error": ... } per job, in order.
"use strict";
const fs = require("fs");

const request = JSON.parse(fs.readFileSync(0, "utf8"));
// highlight.js 9 announces its end of life on the console when loaded: keep stdout clean.
const quiet = () => {};
const [log, warn] = [console.log, console.warn];
console.log = quiet;
console.warn = quiet;
const katex = require(request.katex);
const hljs = require(request.highlight);

const results = request.jobs.map((job) => {
  try {
    if (job.kind === "math") {
      return { html: katex.renderToString(job.source, { displayMode: !!job.display, throwOnError: true, strict: "ignore", output: "htmlAndMathml" }) };
    }
    if (job.kind === "swift") {
      return { html: hljs.highlight("swift", job.source, true).value };
    }
    return { error: "unknown job kind " + job.kind };
  } catch (error) {
    return { error: String(error && error.message ? error.message : error) };
  }
});
console.log = log;
console.warn = warn;
process.stdout.write(JSON.stringify(results));
