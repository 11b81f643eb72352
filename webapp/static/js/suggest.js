// Suggestions under the search box from /api/suggest: the ARIA 1.2 combobox pattern (the input keeps the focus,
// aria-activedescendant names the highlighted option). Arrow keys move through the options; past the last one,
// ArrowDown moves on to the first result. When typing pauses the list closes (settle), unless it is in use, so that
// it never stays over the first results and takes a click meant for them.
import {append, el, setAttrs} from "./dom.js";
import {SUGGEST_API} from "./urls.js";

export function combobox(input, {onTerm, onArticle, onPastEnd}) {
  const list = el("ul", {id: "q-suggestions", role: "listbox", "aria-label": "Suggestions", class: "suggestions"});
  list.hidden = true;
  input.parentNode.appendChild(list);
  setAttrs(input, {role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": list.id});
  let items = [];
  let active = -1;
  let ticket = 0;
  let settled = false;  // typing paused: close as soon as the list is no longer in use

  const close = () => {
    ticket++;  // an answer still on its way must not reopen the list
    list.hidden = true;
    list.replaceChildren();
    items = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  };
  const highlight = (index) => {
    active = index;
    Array.from(list.children).forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", list.children[index].id);
      list.children[index].scrollIntoView({block: "nearest"});
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };
  const choose = (index) => {
    const item = items[index];
    close();
    if (!item) { return; }
    if (item.kind === "title" && item.id) { onArticle(item.id); } else { onTerm(item.text); }
  };
  const show = (found) => {
    items = found;
    active = -1;
    list.replaceChildren(...found.map((item, i) => {
      const option = el("li", {id: `q-option-${i}`, role: "option", "aria-selected": "false", class: "option"},
        [item.text]);
      if (item.kind === "title") { append(option, [el("span", {class: "kind", text: " article"})]); }
      option.addEventListener("mousedown", (event) => event.preventDefault());  // keep the focus in the box
      option.addEventListener("click", () => choose(i));
      return option;
    }));
    list.hidden = found.length === 0;
    input.setAttribute("aria-expanded", String(found.length > 0));
  };

  input.addEventListener("keydown", (event) => {
    const open = !list.hidden && items.length > 0;
    if (event.key === "ArrowDown") {
      if (open && active < items.length - 1) {
        event.preventDefault();
        highlight(active + 1);
      } else if (onPastEnd()) {
        event.preventDefault();
        close();
      }
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlight(active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape") {
      // Keep the text (and the results): a type=search box would clear itself on Escape.
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
  list.addEventListener("pointerleave", () => { if (settled) { close(); } });
  const inUse = () => active >= 0 || list.matches(":hover");

  return {
    close,
    // Typing has paused: the reader is looking at the results now.
    settle() {
      settled = true;
      if (!inUse()) { close(); }
    },
    // Ask for completions of q; shown only if the box still has the focus and nothing newer was asked.
    update(q) {
      settled = false;
      const mine = ++ticket;
      if (q.trim().length < 2) { close(); return; }
      fetch(`${SUGGEST_API}?${new URLSearchParams({q, limit: "8"})}`)
        .then((response) => (response.ok ? response.json() : []))
        .then((found) => {
          if (mine === ticket && document.activeElement === input) { show(found || []); }
        })
        .catch(() => {});
    },
  };
}
