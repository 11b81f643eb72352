// The article page: previous/next match (buttons, and the keys n and p), and a back link to the very results
// the article was opened from (filters, sort and page included).
import {fmt} from "./dom.js";
import {HOME} from "./urls.js";

export function matchNavigation(body, nav, typing) {
  const marks = Array.from(body.querySelectorAll("mark"));
  if (!marks.length) { return; }
  const status = document.getElementById("match-status");
  let current = -1;
  const go = (step) => {
    if (current >= 0) { marks[current].classList.remove("current"); }
    current = current < 0 && step < 0 ? marks.length - 1 : (current + step + marks.length) % marks.length;
    const mark = marks[current];
    mark.classList.add("current");
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    mark.scrollIntoView({block: "center", behavior: reduce ? "auto" : "smooth"});
    status.textContent = `Match ${current + 1} of ${marks.length}`;
  };
  nav.hidden = false;
  status.textContent = `${fmt(marks.length)} ${marks.length === 1 ? "match" : "matches"}`;
  document.getElementById("match-next").addEventListener("click", () => go(1));
  document.getElementById("match-prev").addEventListener("click", () => go(-1));
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "n") { event.preventDefault(); go(1); }
    if (event.key === "p") { event.preventDefault(); go(-1); }
  });
}

export function backToResults(link) {
  if (!document.referrer) { return; }
  const from = new URL(document.referrer);
  if (from.origin !== window.location.origin || from.pathname !== HOME || !from.searchParams.get("q")) { return; }
  link.setAttribute("href", from.pathname + from.search);
  link.addEventListener("click", (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    event.preventDefault();
    history.back();  // the same results, scrolled where they were
  });
}
