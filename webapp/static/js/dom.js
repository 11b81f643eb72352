// DOM helpers for the few elements the script makes itself (the suggestion list, a network error): built with
// createElement/setAttribute/textContent only, never from HTML strings. Results come from the server's templates.

export function el(tag, attrs, children) {
  const node = document.createElement(tag);
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

export function fmt(n) { return Number(n).toLocaleString("en-US"); }
