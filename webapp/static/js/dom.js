// DOM helpers: elements are built with createElement/setAttribute/textContent only, never from HTML strings.
const SVG = "http://www.w3.org/2000/svg";

export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

export function svgEl(tag, attrs, children) {
  const node = document.createElementNS(SVG, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

// Attributes by name; "text" sets textContent; null, undefined and false leave an attribute out.
export function setAttrs(node, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) { continue; }
    if (name === "text") { node.textContent = value; } else { node.setAttribute(name, value === true ? "" : value); }
  }
}

// Children: strings become text nodes; null, undefined and false are skipped.
export function append(node, children) {
  for (const child of children || []) {
    if (child === null || child === undefined || child === false) { continue; }
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

export function fill(node, children) {
  node.replaceChildren();
  append(node, children);
}

export function fmt(n) { return Number(n).toLocaleString("en-US"); }

export function plural(n, word) { return `${fmt(n)} ${word}${n === 1 ? "" : "s"}`; }

// A highlight fragment from the API (text escaped by the server, <mark> added): whatever the string holds, only
// its text and MARK elements are copied; DOMParser's document runs no script and loads nothing.
export function marked(html) {
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html}`, "text/html");
  const out = document.createDocumentFragment();
  const copy = (from, to) => {
    for (const n of from.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) {
        to.appendChild(document.createTextNode(n.data));
      } else if (n.nodeType === Node.ELEMENT_NODE && n.nodeName === "MARK") {
        const mark = document.createElement("mark");
        copy(n, mark);
        to.appendChild(mark);
      } else if (n.nodeType === Node.ELEMENT_NODE) {
        copy(n, to);
      }
    }
  };
  copy(parsed.body, out);
  return out;
}
