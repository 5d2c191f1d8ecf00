/* Mizan review page: score an article, show the evidence in the text, send the editor's verdict.
 *
 * Plain JavaScript with no dependencies. Text from the article or the API is only ever put
 * into the page as text nodes (never parsed as markup), and evidence offsets, which count
 * Unicode code points like Python does, are converted to JavaScript's UTF-16 positions.
 */
(function () {
  "use strict";

  const KEY_STORAGE = "mizan.apiKey";
  const REVIEWER_STORAGE = "mizan.reviewerId";
  const SVG_NS = "http://www.w3.org/2000/svg";
  const PALETTE_SIZE = 6;
  const KNOWN_SIGNALS = ["experts", "statistics", "beat", "templating", "style"];
  const SIGNAL_LABELS = {
    experts: "Experts and sources",
    statistics: "Numbers and statistics",
    beat: "Author's beat",
    templating: "Templated text",
    style: "Writing style",
    other: "Model terms (text models, language)",
  };
  const VERDICT_LABELS = {
    unreliable: "Unreliable",
    review: "Needs review",
    reliable: "Reliable",
  };
  const FIELD_LABELS = { title: "title", body: "text", author_bio: "author bio" };
  const FURNITURE_LABELS = {
    boilerplate: "page furniture (menus, share and related links)",
    byline: "byline",
    bio: "author box",
    title: "headline",
  };
  const ARTICLE_FIELDS = [
    "id", "title", "body", "author", "author_bio", "outlet", "url", "published_at", "language",
  ];
  const FIELD_INPUTS = {
    id: "article-id",
    title: "title",
    body: "body",
    author: "author",
    author_bio: "author-bio",
    outlet: "outlet",
    url: "url",
    published_at: "published-at",
    language: "language",
  };

  const page = document.body.dataset;
  const apiRoot = page.apiRoot || "";
  const apiKeyHeader = page.apiKeyHeader || "X-API-Key";
  const maxTextChars = Number(page.maxTextChars || "0");

  const state = { report: null, article: null, articleId: null, busy: false };

  // --- small DOM helpers -------------------------------------------------------------------

  function byId(id) {
    return document.getElementById(id);
  }

  /** Create an element; children are nodes or strings (strings become text nodes). */
  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    setAttributes(node, attributes);
    appendAll(node, children);
    return node;
  }

  function svg(tag, attributes, children) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttributes(node, attributes);
    appendAll(node, children);
    return node;
  }

  function setAttributes(node, attributes) {
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(name, String(value));
      }
    }
  }

  function appendAll(node, children) {
    for (const child of children || []) {
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function formatScore(value) {
    return Number(value).toFixed(2);
  }

  function formatSigned(value) {
    const rounded = Number(value).toFixed(2);
    return value > 0 ? "+" + rounded : rounded.replace("-", "\u2212");
  }

  function codePointLength(text) {
    let count = 0;
    for (const _ of text) count += 1;
    return count;
  }

  /** UTF-16 position of every code point boundary: offsets[i] is where code point i starts. */
  function unitOffsets(text) {
    const offsets = [0];
    let unit = 0;
    for (const character of text) {
      unit += character.length;
      offsets.push(unit);
    }
    return offsets;
  }

  function storageGet(storage, key) {
    try {
      return storage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function storageSet(storage, key, value) {
    try {
      if (value === null) storage.removeItem(key);
      else storage.setItem(key, value);
    } catch (error) {
      /* storage disabled: the value lives for this page only */
    }
  }

  // --- messages ------------------------------------------------------------------------------

  function showAlert(message) {
    byId("alert").textContent = message;
  }

  function clearAlert() {
    byId("alert").textContent = "";
  }

  // --- the API -------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function readJson(response) {
    const type = response.headers.get("Content-Type") || "";
    if (!type.includes("json")) return null;
    try {
      return await response.json();
    } catch (error) {
      return null;
    }
  }

  /** The API's own words for an error, or a sentence built from the status. */
  function detailOf(data, response) {
    if (data && typeof data.detail === "string" && data.detail) return data.detail;
    if (data && Array.isArray(data.detail)) {
      return data.detail.map((item) => item.msg || JSON.stringify(item)).join("; ");
    }
    const reason = response.statusText ? " " + response.statusText : "";
    return "The server answered " + response.status + reason + ".";
  }

  let keyRequest = null;

  /** Show the key form and resolve with the key entered, or null when the editor cancels. */
  function askForKey(message) {
    if (keyRequest) return keyRequest.promise;
    const section = byId("key-section");
    const input = byId("api-key");
    byId("key-message").textContent = message;
    section.hidden = false;
    input.value = "";
    input.focus();
    keyRequest = {};
    keyRequest.promise = new Promise((resolve) => {
      keyRequest.resolve = resolve;
    });
    return keyRequest.promise;
  }

  function finishKeyRequest(key) {
    byId("key-section").hidden = true;
    if (keyRequest) {
      const request = keyRequest;
      keyRequest = null;
      request.resolve(key);
    }
  }

  /** Call the JSON API; on 401 ask for the key, keep it for this tab and try again. */
  async function callApi(method, path, body) {
    for (;;) {
      const headers = { Accept: "application/json" };
      const key = storageGet(window.sessionStorage, KEY_STORAGE);
      if (key) headers[apiKeyHeader] = key;
      const init = { method: method, headers: headers, credentials: "same-origin" };
      if (body !== undefined) {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      let response;
      try {
        response = await fetch(apiRoot + path, init);
      } catch (error) {
        throw new ApiError(0, "Could not reach the server: " + error.message);
      }
      const data = await readJson(response);
      if (response.status === 401) {
        storageSet(window.sessionStorage, KEY_STORAGE, null);
        const entered = await askForKey(detailOf(data, response));
        if (entered === null) throw new ApiError(401, detailOf(data, response));
        storageSet(window.sessionStorage, KEY_STORAGE, entered);
        continue;
      }
      if (!response.ok) throw new ApiError(response.status, detailOf(data, response));
      return data;
    }
  }

  // --- the article form ------------------------------------------------------------------

  /** The article as the API takes it: the body always (so the API can say what is wrong). */
  function readArticleForm() {
    const article = {};
    for (const field of ARTICLE_FIELDS) {
      const value = byId(FIELD_INPUTS[field]).value;
      if (field === "body") article.body = value;
      else if (value.trim() !== "") article[field] = value;
    }
    return article;
  }

  function fillArticleForm(stored) {
    for (const field of ARTICLE_FIELDS) {
      let value = stored[field];
      if (field === "language" && value !== "ar" && value !== "en") value = "";
      byId(FIELD_INPUTS[field]).value = typeof value === "string" ? value : "";
    }
    updateCounter();
  }

  function updateCounter() {
    const counter = byId("body-count");
    const length = codePointLength(byId("body").value);
    const over = maxTextChars > 0 && length > maxTextChars;
    counter.textContent =
      length + " of " + maxTextChars + " characters" +
      (over ? ": over the limit, the server will refuse it" : "");
    counter.classList.toggle("over", over);
  }

  function setBusy(busy, message) {
    state.busy = busy;
    for (const id of ["score-button", "open-button"]) {
      const button = byId(id);
      if (button) button.disabled = busy;
    }
    byId("score-status").textContent = message || "";
  }

  async function scoreArticle(article) {
    if (state.busy) return;
    clearAlert();
    setBusy(true, "Scoring\u2026");
    try {
      const report = await callApi("POST", "/v1/score", article);
      const layout = await fetchLayout(article);
      setBusy(false, "");
      await showReport(report, article, layout);
    } catch (error) {
      setBusy(false, "");
      hideReport();
      showAlert(error.message);
    }
  }

  /** The parser's lines of the text (article or page furniture); null when unavailable. */
  async function fetchLayout(article) {
    try {
      return await callApi("POST", "/review/layout", article);
    } catch (error) {
      return null;
    }
  }

  async function openStored(articleId) {
    if (state.busy) return;
    clearAlert();
    if (articleId.trim() === "") {
      showAlert("Enter the id of a stored article.");
      return;
    }
    setBusy(true, "Opening\u2026");
    let stored;
    try {
      stored = await callApi("GET", "/v1/articles/" + encodeURIComponent(articleId.trim()));
    } catch (error) {
      setBusy(false, "");
      showAlert(error.message);
      return;
    }
    setBusy(false, "");
    fillArticleForm(stored);
    await scoreArticle(readArticleForm());
  }

  // --- the report --------------------------------------------------------------------------

  function hideReport() {
    byId("report").hidden = true;
    const feedback = byId("feedback");
    if (feedback) feedback.hidden = true;
    hideTooltip();
    state.report = null;
  }

  /** A palette slot per signal: known signals keep their colour, others take the next free. */
  function signalPalette(signals) {
    const slots = new Map();
    const used = new Set();
    for (const signal of signals) {
      const known = KNOWN_SIGNALS.indexOf(signal.name);
      if (known >= 0) {
        slots.set(signal.name, known);
        used.add(known);
      }
    }
    let next = 0;
    for (const signal of signals) {
      if (slots.has(signal.name)) continue;
      while (used.has(next % PALETTE_SIZE) && used.size < PALETTE_SIZE) next += 1;
      slots.set(signal.name, next % PALETTE_SIZE);
      used.add(next % PALETTE_SIZE);
    }
    return slots;
  }

  function signalLabel(name) {
    return SIGNAL_LABELS[name] || name;
  }

  function verdictLabel(verdict) {
    return VERDICT_LABELS[verdict] || verdict;
  }

  async function showReport(report, article, layout) {
    state.report = report;
    state.article = article;
    state.articleId = report.id || article.id || (await contentId(article));
    const palette = signalPalette(report.signals || []);

    renderSummary(report);
    renderLegend(report, palette);
    renderArticle(report, article, palette, layout);
    renderSignals(report, palette);
    renderFeedbackForm(report);

    byId("report").hidden = false;
    byId("report-heading").focus();
  }

  function renderSummary(report) {
    const thresholds = report.thresholds || {};
    const verdict = byId("verdict");
    verdict.textContent = verdictLabel(report.verdict);
    verdict.className = "verdict verdict-" + report.verdict;
    byId("reliability-line").textContent =
      "Reliability " + formatScore(report.reliability) + " on a scale from 0 to 1.";
    byId("thresholds-line").textContent =
      "Unreliable below " + formatScore(thresholds.unreliable_below) +
      "; reliable above " + formatScore(thresholds.reliable_above) +
      "; in between, an editor should review it.";
    const model = report.model || {};
    const language = report.language === "ar" ? "Arabic" : report.language === "en" ? "English" : report.language;
    byId("model-line").textContent =
      "Language: " + language + ". Model: " + (model.name || "?") + " " + (model.version || "") + ".";
    const gauge = byId("gauge");
    clear(gauge);
    gauge.appendChild(buildGauge(report.reliability, thresholds, report.verdict));
  }

  /** A half-circle gauge from 0 (left) to 1 (right), banded at the verdict thresholds. */
  function buildGauge(reliability, thresholds, verdict) {
    const centreX = 100;
    const centreY = 100;
    const radius = 78;
    const point = (value, r) => {
      const angle = Math.PI * (1 - value);
      return [centreX + r * Math.cos(angle), centreY - r * Math.sin(angle)];
    };
    const arc = (from, to) => {
      const [x1, y1] = point(from, radius);
      const [x2, y2] = point(to, radius);
      return "M " + x1.toFixed(2) + " " + y1.toFixed(2) +
        " A " + radius + " " + radius + " 0 0 1 " + x2.toFixed(2) + " " + y2.toFixed(2);
    };
    const low = clamp(Number(thresholds.unreliable_below), 0, 1);
    const high = clamp(Number(thresholds.reliable_above), low, 1);
    const value = clamp(Number(reliability), 0, 1);
    const description =
      "Reliability " + formatScore(value) + " of 1, verdict " + verdictLabel(verdict) +
      ". Unreliable below " + formatScore(low) + ", reliable above " + formatScore(high) + ".";
    const [needleX, needleY] = point(value, radius - 14);
    const tick = (threshold) => {
      const [x1, y1] = point(threshold, radius - 12);
      const [x2, y2] = point(threshold, radius + 12);
      const [labelX, labelY] = point(threshold, radius + 20);
      return [
        svg("line", { x1: x1, y1: y1, x2: x2, y2: y2, stroke: "#1a1a1a", "stroke-width": 1.5 }),
        svg("text", { x: labelX, y: labelY, "text-anchor": "middle", class: "gauge-tick" }, [
          formatScore(threshold),
        ]),
      ];
    };
    return svg("svg", {
      viewBox: "0 -12 200 130",
      role: "img",
      "aria-label": description,
    }, [
      svg("title", {}, [description]),
      svg("path", { d: arc(0, low), stroke: "#b3261e", "stroke-width": 16, fill: "none" }),
      svg("path", { d: arc(low, high), stroke: "#d99a00", "stroke-width": 16, fill: "none" }),
      svg("path", { d: arc(high, 1), stroke: "#1b6e2e", "stroke-width": 16, fill: "none" }),
      ...tick(low),
      ...tick(high),
      svg("line", {
        x1: centreX, y1: centreY, x2: needleX.toFixed(2), y2: needleY.toFixed(2),
        stroke: "#1a1a1a", "stroke-width": 3, "stroke-linecap": "round",
      }),
      svg("circle", { cx: centreX, cy: centreY, r: 5, fill: "#1a1a1a" }),
      svg("text", { x: centreX, y: centreY + 4, "text-anchor": "middle", class: "gauge-value", dy: -14 }, [
        formatScore(value),
      ]),
      svg("text", { x: 22, y: 114, "text-anchor": "middle", class: "gauge-tick" }, ["0"]),
      svg("text", { x: 178, y: 114, "text-anchor": "middle", class: "gauge-tick" }, ["1"]),
    ]);
  }

  function clamp(value, low, high) {
    if (Number.isNaN(value)) return low;
    return Math.min(high, Math.max(low, value));
  }

  function renderLegend(report, palette) {
    const legend = byId("legend");
    clear(legend);
    for (const signal of report.signals || []) {
      const count = (signal.evidence || []).length;
      if (count === 0) continue;
      legend.appendChild(el("li", {}, [
        el("span", { class: "swatch sig-" + palette.get(signal.name), "aria-hidden": "true" }),
        signalLabel(signal.name) + " (" + count + ")",
      ]));
    }
    if (!legend.firstChild) legend.appendChild(el("li", {}, ["No evidence: no signal fired on a passage."]));
  }

  /** The text each evidence field points into. */
  function fieldTexts(report, article) {
    const body = typeof report.extracted_body === "string" ? report.extracted_body : article.body || "";
    const title = typeof report.title === "string" && report.title ? report.title : article.title || "";
    return { title: title, body: body, author_bio: article.author_bio || "" };
  }

  function renderArticle(report, article, palette, layout) {
    const view = byId("article-view");
    const descriptions = byId("evidence-descriptions");
    clear(view);
    clear(descriptions);
    hideTooltip();
    const language = report.language === "ar" || report.language === "en" ? report.language : null;
    view.setAttribute("dir", language === "ar" ? "rtl" : "ltr");
    if (language) view.setAttribute("lang", language);
    else view.removeAttribute("lang");

    const texts = fieldTexts(report, article);
    const spansByField = { title: [], body: [], author_bio: [] };
    const offsetsByField = {};
    const unplaced = [];
    let index = 0;
    for (const signal of report.signals || []) {
      for (const evidence of signal.evidence || []) {
        const span = {
          index: index,
          signal: signal.name,
          slot: palette.get(signal.name),
          field: evidence.field || "body",
          start: evidence.start,
          end: evidence.end,
          text: evidence.text,
          reason: evidence.reason,
        };
        index += 1;
        const text = texts[span.field];
        if (text !== undefined && !offsetsByField[span.field]) {
          offsetsByField[span.field] = unitOffsets(text);
        }
        if (text === undefined || !placeSpan(span, text, offsetsByField[span.field])) {
          unplaced.push(span);
          continue;
        }
        spansByField[span.field].push(span);
        descriptions.appendChild(el("span", { id: "evidence-note-" + span.index }, [
          signalLabel(span.signal) + ": " + span.reason + ".",
        ]));
      }
    }

    if (texts.title) {
      const heading = el("h4", { class: "article-title", "data-field": "title" });
      renderHighlighted(heading, texts.title, spansByField.title);
      view.appendChild(heading);
    }
    const body = el("div", { class: "article-body", "data-field": "body" });
    const textField = typeof report.extracted_body === "string" ? "extracted_body" : "body";
    const parts = layout && layout.field === textField ? bodyParts(texts.body, layout.blocks) : null;
    if (parts) {
      for (const part of parts) {
        const spans = spansByField.body
          .filter((span) => span.from < part.to && span.to > part.from)
          .map((span) => Object.assign({}, span, {
            from: Math.max(span.from, part.from) - part.from,
            to: Math.min(span.to, part.to) - part.from,
            // Only the piece where the passage starts takes keyboard focus.
            starts: span.from >= part.from,
          }));
        const text = texts.body.slice(part.from, part.to);
        if (part.content) {
          const block = el("div", { class: "article-content" });
          renderHighlighted(block, text, spans);
          body.appendChild(block);
          continue;
        }
        // The label is drawn by the stylesheet (from data-label), so the body's text stays
        // exactly the text sent: offsets, copying and reading order are unchanged.
        const block = el("div", {
          class: "article-furniture", "data-kinds": part.kinds.join(" "),
          "data-label": furnitureLabel(part.kinds), role: "note",
          "aria-label": furnitureLabel(part.kinds),
        });
        renderHighlighted(block, text, spans);
        body.appendChild(block);
      }
    } else {
      renderHighlighted(body, texts.body, spansByField.body);
    }
    view.appendChild(body);
    if (texts.author_bio) {
      const bio = el("div", { class: "article-bio-text", "data-field": "author_bio" });
      renderHighlighted(bio, texts.author_bio, spansByField.author_bio);
      view.appendChild(el("aside", { class: "article-bio", "aria-label": "Author bio" }, [
        el("p", { class: "article-bio-label", lang: "en", dir: "auto" }, ["Author bio"]),
        bio,
      ]));
    }
    renderUnplaced(unplaced);
  }

  /**
   * Cut the body into runs of article lines and runs of page furniture (menus, share lines,
   * byline, author box, a headline inside the body), from the parser's blocks. Each run is
   * [from, to) in UTF-16 units and covers the text up to the next run, so nothing is lost.
   * Null when the blocks do not fit the text.
   */
  function bodyParts(text, blocks) {
    if (!Array.isArray(blocks) || blocks.length === 0) return null;
    const offsets = unitOffsets(text);
    const last = offsets.length - 1;
    const parts = [];
    for (const block of blocks) {
      if (!Number.isInteger(block.start) || !Number.isInteger(block.end)) return null;
      if (block.start < 0 || block.end < block.start || block.end > last) return null;
      const content = block.content === true;
      const from = offsets[block.start];
      const previous = parts[parts.length - 1];
      if (previous && from < previous.from) return null;
      if (previous && previous.content === content) {
        if (!previous.kinds.includes(block.kind)) previous.kinds.push(block.kind);
        continue;
      }
      if (previous) previous.to = from;
      parts.push({ from: parts.length === 0 ? 0 : from, to: text.length, content: content, kinds: [block.kind] });
    }
    return parts;
  }

  function furnitureLabel(kinds) {
    const names = kinds.map((kind) => FURNITURE_LABELS[kind] || kind);
    return "Not part of the article: " + names.join(", ");
  }

  /** Check a span against its text and add its UTF-16 positions; false when it does not fit. */
  function placeSpan(span, text, offsets) {
    if (!Number.isInteger(span.start) || !Number.isInteger(span.end)) return false;
    if (span.start < 0 || span.end <= span.start || span.end >= offsets.length) return false;
    span.from = offsets[span.start];
    span.to = offsets[span.end];
    return text.slice(span.from, span.to) === span.text;
  }

  /**
   * Write ``text`` into ``container`` with every span highlighted. Overlapping spans split
   * the text at every span edge; each piece is one <mark> that lists, in data-evidence, every
   * span covering it, so a span is the union of the pieces that name it. The first piece of a
   * span takes keyboard focus and describes every span covering it.
   */
  function renderHighlighted(container, text, spans) {
    const cuts = new Set([0, text.length]);
    for (const span of spans) {
      cuts.add(span.from);
      cuts.add(span.to);
    }
    const edges = Array.from(cuts).sort((a, b) => a - b);
    for (let i = 0; i + 1 < edges.length; i += 1) {
      const from = edges[i];
      const to = edges[i + 1];
      const piece = text.slice(from, to);
      const covering = spans.filter((span) => span.from <= from && span.to >= to);
      if (covering.length === 0) {
        container.appendChild(document.createTextNode(piece));
        continue;
      }
      // The innermost span gives the colour: it is the one the reader most likely points at.
      const innermost = covering.reduce((best, span) =>
        span.to - span.from < best.to - best.from ? span : best);
      const startsHere = covering.some((span) => span.from === from && span.starts !== false);
      const mark = el("mark", {
        class: "hl sig-" + innermost.slot + (covering.length > 1 ? " hl-overlap" : ""),
        "data-evidence": covering.map((span) => span.index).join(" "),
        "data-signal": innermost.signal,
        tabindex: startsHere ? "0" : null,
        "aria-describedby": covering.map((span) => "evidence-note-" + span.index).join(" "),
      }, [piece]);
      mark.evidence = covering;
      container.appendChild(mark);
    }
  }

  function renderUnplaced(unplaced) {
    const box = byId("unplaced");
    const list = byId("unplaced-list");
    clear(list);
    for (const span of unplaced) {
      list.appendChild(el("li", {}, [
        el("strong", {}, [signalLabel(span.signal) + ": "]),
        span.reason + " ",
        "(" + (FIELD_LABELS[span.field] || span.field) + ": \u201c",
        el("bdi", {}, [span.text || ""]),
        "\u201d)",
      ]));
    }
    box.hidden = unplaced.length === 0;
  }

  // --- tooltip -------------------------------------------------------------------------------

  let tooltipOwner = null;
  let hideTimer = null;

  function showTooltip(mark) {
    window.clearTimeout(hideTimer);
    const tooltip = byId("tooltip");
    clear(tooltip);
    const list = el("ul");
    for (const span of mark.evidence || []) {
      list.appendChild(el("li", {}, [
        el("span", { class: "swatch sig-" + span.slot, "aria-hidden": "true" }),
        el("span", { class: "tip-signal" }, [signalLabel(span.signal) + ": "]),
        el("bdi", {}, [span.reason]),
      ]));
    }
    tooltip.appendChild(list);
    tooltip.hidden = false;
    setActive(tooltipOwner, false);
    tooltipOwner = mark;
    setActive(mark, true);

    const box = mark.getBoundingClientRect();
    const width = tooltip.offsetWidth;
    const pageWidth = document.documentElement.clientWidth;
    // In right-to-left text the note hangs from the passage's right edge.
    const rightToLeft = getComputedStyle(mark).direction === "rtl";
    const preferred = rightToLeft ? box.right - width : box.left;
    const left = Math.max(8, Math.min(preferred, pageWidth - width - 8));
    tooltip.style.left = left + window.scrollX + "px";
    tooltip.style.top = box.bottom + window.scrollY + 6 + "px";
  }

  function hideTooltip() {
    window.clearTimeout(hideTimer);
    const tooltip = byId("tooltip");
    if (tooltip) tooltip.hidden = true;
    setActive(tooltipOwner, false);
    tooltipOwner = null;
  }

  function hideTooltipSoon() {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hideTooltip, 200);
  }

  /** Outline every piece of the spans under a mark, so the whole passage shows. */
  function setActive(mark, active) {
    if (!mark || !mark.evidence) return;
    const view = byId("article-view");
    for (const span of mark.evidence) {
      for (const piece of view.querySelectorAll("mark.hl")) {
        if ((piece.dataset.evidence || "").split(" ").includes(String(span.index))) {
          piece.classList.toggle("active", active);
        }
      }
    }
  }

  function markFrom(target) {
    return target && target.closest ? target.closest("mark.hl") : null;
  }

  // --- signal panels -------------------------------------------------------------------------

  function renderSignals(report, palette) {
    const container = byId("signals");
    clear(container);
    const contributions = report.top_features || [];
    const largest = contributions.reduce((most, item) => Math.max(most, Math.abs(item.contribution)), 0);
    const claimed = new Set();
    const owned = (report.signals || []).map((signal) => {
      const own = contributions.filter((item) => item.name.startsWith(signal.name + "."));
      own.forEach((item) => claimed.add(item.name));
      return own;
    });
    // The strongest net push against the article sets the scale of the score bars' colour.
    const strongest = owned.reduce((most, own) => Math.max(most, -netContribution(own)), 0);
    (report.signals || []).forEach((signal, index) => {
      container.appendChild(signalPanel(signal, palette.get(signal.name), owned[index], largest, strongest));
    });
    const others = contributions.filter((item) => !claimed.has(item.name));
    if (others.length > 0) {
      container.appendChild(signalPanel(
        { name: "other", score: null, features: {}, evidence: [] }, 5, others, largest));
    }
  }

  /** The sum of a signal's contributions to the reliability log-odds (among the top ones). */
  function netContribution(contributions) {
    return contributions.reduce((sum, item) => sum + Number(item.contribution || 0), 0);
  }

  /**
   * How much a signal lowers the reliability: "strong", "some" or "slight" when its features
   * push the log-odds down (measured against the signal that pushes hardest), else "none".
   * A bar is never painted in the "good" colour: a signal that fires is never good news.
   */
  function loweringLevel(net, strongest) {
    if (!(net < 0) || !(strongest > 0)) return "none";
    const share = -net / strongest;
    if (share >= 0.5) return "strong";
    if (share >= 0.15) return "some";
    return "slight";
  }

  const LOWERING_TEXT = {
    strong: "lowers the reliability a lot",
    some: "lowers the reliability",
    slight: "lowers the reliability a little",
    none: "does not lower the reliability",
  };

  function signalPanel(signal, slot, contributions, largest, strongest) {
    const headingId = "signal-" + signal.name.replace(/[^A-Za-z0-9_-]/g, "_");
    const panel = el("section", { class: "signal-panel sig-" + slot, "aria-labelledby": headingId }, [
      el("h4", { id: headingId }, [
        el("span", { class: "swatch sig-" + slot, "aria-hidden": "true" }),
        signal.name === "other" ? "Other features" : signalLabel(signal.name),
        signal.name === "other" ? null : el("code", {}, [signal.name]),
      ]),
    ]);
    if (signal.score !== null && signal.score !== undefined) {
      const net = netContribution(contributions);
      const level = loweringLevel(net, strongest);
      const fill = el("span", { class: "score-fill lowers-" + level });
      fill.style.width = clamp(Number(signal.score), 0, 1) * 100 + "%";
      panel.dataset.lowers = level;
      panel.appendChild(el("div", { class: "score-row" }, [
        el("span", {}, ["Score " + formatScore(signal.score)]),
        el("span", { class: "score-track", "aria-hidden": "true" }, [fill]),
      ]));
      const effect = contributions.length === 0
        ? "Its features are not among the top contributions."
        : "It " + LOWERING_TEXT[level] + " (" + formatSigned(net) + " log-odds).";
      panel.appendChild(el("p", { class: "lowering lowers-" + level }, [effect]));
      const count = (signal.evidence || []).length;
      panel.appendChild(el("p", { class: "help" }, [
        count === 1 ? "1 highlighted passage" : count + " highlighted passages",
      ]));
    }

    panel.appendChild(el("h5", {}, ["Contribution to reliability"]));
    if (contributions.length === 0) {
      panel.appendChild(el("p", { class: "help" }, ["None of its features is among the top contributions."]));
    } else {
      const list = el("ul", { class: "contributions" });
      for (const item of contributions) {
        const share = largest > 0 ? (Math.abs(item.contribution) / largest) * 50 : 0;
        const fill = el("span", { class: "contribution-fill " + (item.contribution < 0 ? "against" : "for") });
        fill.style.width = share + "%";
        const direction = item.contribution < 0 ? "against the article" : "for the article";
        list.appendChild(el("li", {}, [
          el("span", { class: "contribution-name" }, [el("bdi", {}, [item.name]), " = " + formatScore(item.value)]),
          el("span", { class: "contribution-track", role: "img",
            "aria-label": formatSigned(item.contribution) + ", " + direction }, [fill]),
          el("span", { class: "contribution-value", "aria-hidden": "true" }, [formatSigned(item.contribution)]),
        ]));
      }
      panel.appendChild(list);
    }

    const features = Object.entries(signal.features || {});
    if (features.length > 0) {
      const rows = features.map(([name, value]) => el("tr", {}, [
        el("td", {}, [el("bdi", {}, [name])]),
        el("td", { class: "number" }, [String(Math.round(value * 1000) / 1000)]),
      ]));
      panel.appendChild(el("details", {}, [
        el("summary", {}, ["All feature values (" + features.length + ")"]),
        el("table", { class: "feature-table" }, [
          el("thead", {}, [el("tr", {}, [
            el("th", { scope: "col" }, ["Feature"]),
            el("th", { scope: "col" }, ["Value"]),
          ])]),
          el("tbody", {}, rows),
        ]),
      ]));
    }
    return panel;
  }

  // --- feedback ------------------------------------------------------------------------------

  function renderFeedbackForm(report) {
    const section = byId("feedback");
    if (!section) return;
    byId("feedback-model-verdict").textContent = verdictLabel(report.verdict);
    byId("feedback-article-id").textContent = state.articleId;
    const confirm = byId("confirm-button");
    confirm.dataset.verdict = report.verdict;
    confirm.textContent = "Confirm: " + verdictLabel(report.verdict);
    for (const button of section.querySelectorAll("button.overrule")) {
      button.hidden = button.dataset.verdict === report.verdict;
    }
    const result = byId("feedback-result");
    result.textContent = "";
    result.classList.remove("feedback-saved");
    byId("note").value = "";
    section.hidden = false;
  }

  async function sendFeedback(verdict) {
    const report = state.report;
    if (!report || state.busy) return;
    clearAlert();
    const reviewer = byId("reviewer").value.trim();
    const note = byId("note").value.trim();
    if (reviewer) storageSet(window.localStorage, REVIEWER_STORAGE, reviewer);
    const payload = {
      article_id: state.articleId,
      verdict: verdict,
      reviewer_id: reviewer,
      model_verdict: report.verdict,
      article: state.article,
    };
    if (report.model && report.model.version) payload.model_version = String(report.model.version).slice(0, 64);
    if (note) payload.note = note;
    const result = byId("feedback-result");
    result.classList.remove("feedback-saved");
    result.textContent = "Sending\u2026";
    setFeedbackBusy(true);
    try {
      const record = await callApi("POST", "/v1/feedback", payload);
      const agrees = record.verdict === report.verdict;
      result.textContent =
        "Saved as feedback #" + record.id + ": " + verdictLabel(record.verdict) +
        (agrees ? ", confirming the model." : ", overruling the model's " + verdictLabel(report.verdict) + ".");
      result.classList.add("feedback-saved");
    } catch (error) {
      result.textContent = "";
      showAlert(error.message);
    } finally {
      setFeedbackBusy(false);
    }
  }

  function setFeedbackBusy(busy) {
    for (const button of byId("feedback").querySelectorAll("button")) button.disabled = busy;
  }

  // --- the article id for feedback: the store's content id when the editor gave none ----------

  /** The id the store gives an article sent without one: sha256 of outlet, title, body, html. */
  async function contentId(article) {
    const parts = [];
    for (const name of ["outlet", "title", "body", "html"]) {
      parts.push(typeof article[name] === "string" ? article[name] : "", "\u0000");
    }
    const bytes = new TextEncoder().encode(parts.join(""));
    return "sha256-" + (await sha256Hex(bytes)).slice(0, 32);
  }

  async function sha256Hex(bytes) {
    if (window.isSecureContext && window.crypto && window.crypto.subtle) {
      const digest = await window.crypto.subtle.digest("SHA-256", bytes);
      return hex(new Uint8Array(digest));
    }
    return hex(sha256(bytes));
  }

  function hex(bytes) {
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  /** SHA-256 (FIPS 180-4) for pages served over plain HTTP, where crypto.subtle is absent. */
  function sha256(bytes) {
    const k = new Uint32Array([
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]);
    const hash = new Uint32Array([
      0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]);
    const paddedLength = Math.ceil((bytes.length + 9) / 64) * 64;
    const data = new Uint8Array(paddedLength);
    data.set(bytes);
    data[bytes.length] = 0x80;
    const view = new DataView(data.buffer);
    const bitLength = bytes.length * 8;
    view.setUint32(paddedLength - 8, Math.floor(bitLength / 0x100000000));
    view.setUint32(paddedLength - 4, bitLength >>> 0);
    const w = new Uint32Array(64);
    const rotate = (value, bits) => (value >>> bits) | (value << (32 - bits));
    for (let block = 0; block < paddedLength; block += 64) {
      for (let t = 0; t < 16; t += 1) w[t] = view.getUint32(block + t * 4);
      for (let t = 16; t < 64; t += 1) {
        const s0 = rotate(w[t - 15], 7) ^ rotate(w[t - 15], 18) ^ (w[t - 15] >>> 3);
        const s1 = rotate(w[t - 2], 17) ^ rotate(w[t - 2], 19) ^ (w[t - 2] >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) >>> 0;
      }
      let [a, b, c, d, e, f, g, h] = hash;
      for (let t = 0; t < 64; t += 1) {
        const s1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25);
        const choice = (e & f) ^ (~e & g);
        const temp1 = (h + s1 + choice + k[t] + w[t]) >>> 0;
        const s0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22);
        const majority = (a & b) ^ (a & c) ^ (b & c);
        const temp2 = (s0 + majority) >>> 0;
        h = g;
        g = f;
        f = e;
        e = (d + temp1) >>> 0;
        d = c;
        c = b;
        b = a;
        a = (temp1 + temp2) >>> 0;
      }
      const next = [a, b, c, d, e, f, g, h];
      for (let i = 0; i < 8; i += 1) hash[i] = (hash[i] + next[i]) >>> 0;
    }
    const out = new Uint8Array(32);
    const outView = new DataView(out.buffer);
    for (let i = 0; i < 8; i += 1) outView.setUint32(i * 4, hash[i]);
    return out;
  }

  // --- wiring --------------------------------------------------------------------------------

  function start() {
    byId("score-form").addEventListener("submit", (event) => {
      event.preventDefault();
      scoreArticle(readArticleForm());
    });
    byId("body").addEventListener("input", updateCounter);
    updateCounter();

    const openForm = byId("open-form");
    if (openForm) {
      openForm.addEventListener("submit", (event) => {
        event.preventDefault();
        openStored(byId("open-id").value);
      });
    }

    byId("key-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const key = byId("api-key").value.trim();
      if (key === "") {
        byId("key-message").textContent = "Enter the API key, or cancel.";
        byId("api-key").focus();
        return;
      }
      finishKeyRequest(key);
    });
    byId("key-cancel").addEventListener("click", () => finishKeyRequest(null));

    const feedback = byId("feedback");
    if (feedback) {
      byId("reviewer").value = storageGet(window.localStorage, REVIEWER_STORAGE) || "";
      feedback.addEventListener("click", (event) => {
        const button = event.target.closest("button[data-verdict]");
        if (button && button.dataset.verdict) sendFeedback(button.dataset.verdict);
      });
    }

    const view = byId("article-view");
    view.addEventListener("mouseover", (event) => {
      const mark = markFrom(event.target);
      if (mark) showTooltip(mark);
    });
    view.addEventListener("mouseout", (event) => {
      if (markFrom(event.target) && !markFrom(event.relatedTarget)) hideTooltipSoon();
    });
    view.addEventListener("focusin", (event) => {
      const mark = markFrom(event.target);
      if (mark) showTooltip(mark);
    });
    view.addEventListener("focusout", () => hideTooltip());
    const tooltip = byId("tooltip");
    tooltip.addEventListener("mouseenter", () => window.clearTimeout(hideTimer));
    tooltip.addEventListener("mouseleave", hideTooltipSoon);
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !byId("tooltip").hidden) hideTooltip();
    });
    // The passage moves when the window is resized: the open note follows it.
    window.addEventListener("resize", () => {
      if (tooltipOwner) showTooltip(tooltipOwner);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
