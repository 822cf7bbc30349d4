"""The one-page judge UI at `/`: plain HTML + JS + inline SVG, no CDN, no network beyond this server.

Rubric presets are written into the page when it is served, so the page itself
needs no API key; the judge calls send the key typed into the page, if any.
`/?example=1` fills in an example and judges it on load (used by the browser test).
"""

from __future__ import annotations

import json

from judgesmith.rubrics import PRESETS

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>judgesmith judge</title>
<style>
body{font-family:system-ui,sans-serif;max-width:860px;margin:1.5em auto;padding:0 1em;color:#222}
label{display:block;margin-top:.7em;font-weight:600}
textarea,select,input[type=text],input[type=password]{width:100%;box-sizing:border-box;font:inherit;padding:.3em}
textarea{min-height:4.5em}.row{display:flex;gap:1em}.row>div{flex:1}
button{margin-top:1em;padding:.5em 1.4em;font:inherit}#out{margin-top:1.2em;border-top:1px solid #ccc}
.bad{color:#b00020}.hidden{display:none}#feedback{white-space:pre-wrap}
</style></head><body>
<h1>judgesmith judge</h1>
<form id="form">
<div class="row"><div><label for="kind">Kind</label><select id="kind">
<option value="absolute">absolute (score 1-5)</option><option value="pairwise">pairwise (A or B)</option></select></div>
<div><label for="mode">Mode</label><select id="mode"><option value="">server default</option>
<option value="generate">generate (feedback + verdict)</option><option value="score">score (one pass)</option>
</select></div></div>
<label for="instruction">Instruction</label><textarea id="instruction" required></textarea>
<div id="abs"><label for="response">Response</label><textarea id="response"></textarea></div>
<div id="pair" class="hidden"><div class="row">
<div><label for="response_a">Response A</label><textarea id="response_a"></textarea></div>
<div><label for="response_b">Response B</label><textarea id="response_b"></textarea></div></div>
<label><input type="checkbox" id="swap"> judge both orders (swap)</label></div>
<label for="reference">Reference answer (optional)</label><textarea id="reference"></textarea>
<label for="rubric">Rubric</label><select id="rubric"></select>
<textarea id="custom" class="hidden" placeholder="[criteria]&#10;Score 1: ...&#10;Score 2: ...&#10;Score 3: ...&#10;Score 4: ...&#10;Score 5: ..."></textarea>
<pre id="rubric_text"></pre>
<label for="key">API key (only if the server needs one)</label><input type="password" id="key">
<button type="submit" id="go">Judge</button>
</form>
<div id="out"><p id="status"></p><h2 id="verdict"></h2><p id="feedback"></p><div id="chart"></div></div>
<script>
const PRESETS = __PRESETS__;
const $ = id => document.getElementById(id);
function renderRubric(r) {
  return "[" + r.criteria + "]\\n" + [1,2,3,4,5].map(i => "Score " + i + ": " + r["score" + i + "_description"]).join("\\n");
}
for (const name of Object.keys(PRESETS).concat(["custom"])) {
  const o = document.createElement("option"); o.value = o.textContent = name; $("rubric").appendChild(o);
}
function showRubric() {
  const name = $("rubric").value, custom = name === "custom";
  $("custom").classList.toggle("hidden", !custom);
  $("rubric_text").textContent = custom ? "" : renderRubric(PRESETS[name]);
}
$("rubric").onchange = showRubric; showRubric();
$("kind").onchange = () => {
  const pair = $("kind").value === "pairwise";
  $("abs").classList.toggle("hidden", pair); $("pair").classList.toggle("hidden", !pair);
};
function chart(probs) {
  const labels = Object.keys(probs || {}); if (!labels.length) return "<p>No label probabilities.</p>";
  const w = 60, gap = 20, h = 160, ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", labels.length * (w + gap) + gap); svg.setAttribute("height", h + 50);
  svg.setAttribute("id", "probs"); svg.setAttribute("role", "img");
  labels.forEach((lab, i) => {
    const p = probs[lab], x = gap + i * (w + gap), bh = Math.max(1, p * h);
    const add = (tag, attrs, text) => { const e = document.createElementNS(ns, tag);
      for (const k in attrs) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; svg.appendChild(e); };
    add("rect", {x: x, y: h - bh + 20, width: w, height: bh, fill: "#3b6fb6", "data-label": lab});
    add("text", {x: x + w / 2, y: h - bh + 15, "text-anchor": "middle", "font-size": 12}, p.toFixed(3));
    add("text", {x: x + w / 2, y: h + 38, "text-anchor": "middle", "font-size": 14}, lab);
  });
  return svg;
}
async function judge(ev) {
  if (ev) ev.preventDefault();
  const kind = $("kind").value, item = {instruction: $("instruction").value};
  if (kind === "absolute") item.response = $("response").value;
  else { item.response_a = $("response_a").value; item.response_b = $("response_b").value; }
  if ($("reference").value.trim()) item.reference_answer = $("reference").value;
  item.rubric = $("rubric").value === "custom" ? $("custom").value : $("rubric").value;
  const body = {items: [item], swap: $("swap").checked};
  if ($("mode").value) body.mode = $("mode").value;
  const headers = {"Content-Type": "application/json"};
  if ($("key").value) headers["Authorization"] = "Bearer " + $("key").value;
  $("status").textContent = "judging..."; $("status").className = "";
  $("verdict").textContent = $("feedback").textContent = ""; $("chart").replaceChildren();
  try {
    const r = await fetch("/v1/judge/" + kind, {method: "POST", headers: headers, body: JSON.stringify(body)});
    const data = await r.json();
    if (!r.ok) throw new Error(r.status + ": " + (typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail)));
    const v = data.verdicts[0];
    const decision = kind === "absolute" ? "Score: " + v.score : "Winner: " + v.winner;
    const num = kind === "absolute" ? v.expected_score : v.p_a;
    const extra = num == null ? "" : (kind === "absolute" ? " (expected " : " (P(A) ") + num.toFixed(2) + ")";
    $("verdict").textContent = decision + extra;
    $("feedback").textContent = v.feedback || "";
    $("status").textContent = v.parse_ok ? "parsed (" + data.mode + " mode)" : "parse failed: " + v.error;
    $("status").className = v.parse_ok ? "ok" : "bad";
    const c = chart(v.probabilities); if (typeof c === "string") $("chart").innerHTML = c; else $("chart").appendChild(c);
  } catch (e) { $("status").textContent = "error " + e.message; $("status").className = "bad"; }
}
$("form").addEventListener("submit", judge);
if (new URLSearchParams(location.search).get("example")) {
  $("instruction").value = "What is the capital of France?";
  $("response").value = "Paris is the capital of France.";
  judge();
}
</script></body></html>
"""


def page_html() -> str:
    """The page with the rubric presets inlined (JSON, with `</` escaped for the script tag)."""
    presets = json.dumps({name: r.to_dict() for name, r in PRESETS.items()}).replace("</", "<\\/")
    return _PAGE.replace("__PRESETS__", presets)
