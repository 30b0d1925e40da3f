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

// Puts every line of highlighted code in <span class="line">, its leading spaces in
// <span class="indent"> and the rest in <span class="text">, so the stylesheet can wrap a
// long line under itself. highlight.js spans may run across lines (a block comment, a
// multi-line string): each line closes the spans still open at its end and the next line
// reopens them, so every line is well-formed on its own. No newline is kept between lines:
// each .line is a block, and a newline there would show as an empty line.
function lineSpans(html) {
  const tag = /<span[^>]*>|<\/span>/g;
  let open = [];
  const lines = html.split("\n");
  // A cell's code ends with a newline; as a block of its own it would be an empty line.
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines.map((line) => {
    const indent = /^[ \t]*/.exec(line)[0];
    const reopened = open.join("");
    for (const match of line.matchAll(tag)) {
      if (match[0] === "</span>") open.pop(); else open.push(match[0]);
    }
    const body = reopened + line.slice(indent.length) + "</span>".repeat(open.length);
    return '<span class="line"><span class="indent">' + indent + '</span><span class="text">' + body + "</span></span>";
  }).join("");
}

const results = request.jobs.map((job) => {
  try {
    if (job.kind === "math") {
      return { html: katex.renderToString(job.source, { displayMode: !!job.display, throwOnError: true, strict: "ignore", output: "htmlAndMathml" }) };
    }
    if (job.kind === "swift") {
      return { html: lineSpans(hljs.highlight("swift", job.source, true).value) };
    }
    return { error: "unknown job kind " + job.kind };
  } catch (error) {
    return { error: String(error && error.message ? error.message : error) };
  }
});
console.log = log;
console.warn = warn;
process.stdout.write(JSON.stringify(results));
