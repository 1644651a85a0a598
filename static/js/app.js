// Khối thi đua: small progressive enhancements. Everything works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before an action that cannot be undone: <form data-confirm="…">, or <button data-confirm="…"> for one of a
  // form's buttons (the sheet's "Send for review", not its "Save draft"); the question names what cannot be undone.
  // Listened to on the document, first (capture): forms added later by HTMX are covered, and a "no" stops the
  // submission before any other listener of the form sees it.
  document.addEventListener("submit", (event) => {
    const button = event.submitter;
    const question = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    if (formTooLarge(event.target)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  focusErrorSummary();
  fitDocumentFrames(document);
  followTypingInPreviews();
  // A "choose all" box: <input type="checkbox" data-check-all="people"> ticks every box named "people" in its form.
  document.querySelectorAll("input[data-check-all]").forEach((box) => {
    box.addEventListener("change", () => {
      box.form.querySelectorAll(`input[type=checkbox][name="${box.dataset.checkAll}"]`).forEach((other) => {
        other.checked = box.checked;
      });
    });
  });
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  watchScrollingTables(document);
  document.body.addEventListener("htmx:afterSettle", (event) => watchScrollingTables(event.target));
});

// A table wider (on a phone) or taller (a history) than its box scrolls inside it: that box must then be reachable
// by keyboard, to scroll it with the arrow keys, and have a name (WCAG 2.1.1). It gets tabindex="0", the role of a
// region and the name of its table (its caption, else the heading before it) for as long as it scrolls.
const SCROLL_BOXES = ".table-responsive, .history-table";
const scrollObserver = "ResizeObserver" in window ? new ResizeObserver((entries) => {
  entries.forEach((entry) => markScrollBox(entry.target));
}) : null;

function watchScrollingTables(root) {
  const boxes = [...root.querySelectorAll(SCROLL_BOXES)];
  if (root.matches && root.matches(SCROLL_BOXES)) boxes.push(root);
  boxes.forEach((box) => {
    markScrollBox(box);
    if (scrollObserver) scrollObserver.observe(box);
  });
}

function markScrollBox(box) {
  const scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
  if (scrolls && !box.hasAttribute("tabindex")) {
    const added = ["tabindex"];
    box.tabIndex = 0;
    if (!box.hasAttribute("role")) {
      box.setAttribute("role", "region");
      added.push("role");
    }
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      box.setAttribute("aria-label", scrollBoxName(box));
      added.push("aria-label");
    }
    box.dataset.scrollBox = added.join(" ");
  } else if (!scrolls && "scrollBox" in box.dataset) {
    // No longer scrolls (a wider window): no needless stop for the Tab key; only what was added here goes.
    [...box.dataset.scrollBox.split(" "), "data-scroll-box"].forEach((name) => box.removeAttribute(name));
  }
}

function scrollBoxName(box) {
  const table = box.querySelector("table");
  const caption = table && table.caption && table.caption.textContent.trim();
  if (caption) return caption;
  if (table && table.getAttribute("aria-label")) return table.getAttribute("aria-label");
  const labelledBy = table && table.getAttribute("aria-labelledby");
  const label = labelledBy && document.getElementById(labelledBy.split(" ")[0]);
  if (label) return label.textContent.trim();
  // The nearest heading before the box, in document order.
  const headings = [...document.querySelectorAll("main h1, main h2, main h3, main h4, main h5, main h6")];
  const before = headings.filter((h) => h.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING);
  return before.length ? before[before.length - 1].textContent.trim().replace(/\s+/g, " ") : document.title;
}

// A refused form: the summary of its errors (templates/_form_errors.html with `summary`) takes the focus, so it is
// seen and read first, and each of its links moves the focus to its field (a plain link would only scroll to it).
function focusErrorSummary() {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus({ preventScroll: true });
  summary.scrollIntoView({ block: "center" });
  summary.querySelectorAll("a[href^='#']").forEach((link) => {
    link.addEventListener("click", (event) => {
      const field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    });
  });
}

// A document's preview (<div class="doc-frame" data-fit-frame><iframe>): the frame keeps the width of the printed
// page and is scaled down to its box, whose width it follows.
const frameObserver = "ResizeObserver" in window ? new ResizeObserver((entries) => {
  entries.forEach((entry) => fitDocumentFrame(entry.target));
}) : null;

function fitDocumentFrames(root) {
  root.querySelectorAll("[data-fit-frame]").forEach((box) => {
    fitDocumentFrame(box);
    if (frameObserver) frameObserver.observe(box);
  });
}

function fitDocumentFrame(box) {
  const frame = box.querySelector("iframe");
  if (!frame || !frame.offsetWidth || !box.clientWidth) return;
  const scale = Math.min(1, box.clientWidth / frame.offsetWidth);
  frame.style.transform = scale < 1 ? `scale(${scale})` : "";
  frame.style.height = `${box.clientHeight / scale}px`;
  box.classList.add("is-fitted");
}

// The preview beside an editor follows what is typed: an element with hx-post (the preview's address, which reads
// the unsaved form) and data-preview-frame="<id of the iframe>" asks for it; its answer, a whole document, becomes
// the frame's content (not swapped into this page), at the place the reader had scrolled to. A status element
// data-preview-status (aria-live) says the preview shows the unsaved text.
function followTypingInPreviews() {
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    const frameId = source && source.dataset && source.dataset.previewFrame;
    if (!frameId) return;
    event.detail.shouldSwap = false;
    const frame = document.getElementById(frameId);
    if (!frame || event.detail.xhr.status !== 200) return;
    const scrolled = frame.contentWindow ? frame.contentWindow.scrollY : 0;
    frame.addEventListener("load", () => {
      if (frame.contentWindow) frame.contentWindow.scrollTo(0, scrolled);
    }, { once: true });
    frame.srcdoc = event.detail.serverResponse;
    const status = document.querySelector(`[data-preview-status="${frameId}"]`);
    if (status && status.dataset.typed) status.textContent = status.dataset.typed;
  });
}

// A form whose text (files aside) is more than the server takes at once (<body data-form-max-bytes>) is not sent:
// the server would refuse it with nothing saved. Say so above the form, with its size, and keep what was typed.
function formTooLarge(form) {
  const limit = Number(document.body.dataset.formMaxBytes || 0);
  if (!limit || !(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return false;
  let size = 0;
  for (const [name, value] of new FormData(form)) {
    if (typeof value !== "string") continue;  // a file: it has its own limit
    size += encodeURIComponent(name).length + encodeURIComponent(value).length + 2;
  }
  let notice = form.querySelector(":scope > .form-too-large");
  if (size <= limit) {
    if (notice) notice.remove();
    return false;
  }
  if (!notice) {
    notice = document.createElement("div");
    notice.className = "alert alert-danger form-too-large";
    notice.setAttribute("role", "alert");
    notice.tabIndex = -1;
    form.prepend(notice);
  }
  const megabytes = (bytes) => `${(bytes / 1048576).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 })} MB`;
  notice.textContent = document.body.dataset.formTooLarge
    .replace("{size}", megabytes(size)).replace("{limit}", megabytes(limit));
  notice.focus();
  return true;
}
