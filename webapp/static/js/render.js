// The results region drawn from /api/search's JSON, element for element as the server's templates draw it
// (pages/search.html, _result.html, _timeline.html, _facets.html, _pagination.html).
import {append, el, fmt, marked, plural, svgEl} from "./dom.js";
import {docUrl, HOME, href, toggled} from "./urls.js";

const FACET_SHOWN = 8;  // entries of a facet listed before "N more", as in pages/_facets.html
const BAR_PX = 28;  // the chart's natural width per period, as in pages/_timeline.html; CSS caps it at 100%
const FILTERS = ["source", "place", "from", "to"];

// The summary line's content: "About 1,234 results for <query> (12 ms)".
export function summary(data) {
  const total = typeof data.total === "object" ? data.total.value : data.total;
  // "eq" is an exact count; otherwise the total was extrapolated from the folded window.
  const exact = typeof data.total !== "object" || data.total.relation === "eq";
  return [`${exact ? "" : "About "}${plural(total, "result")} for `, el("strong", {text: data.query}), " ",
    el("span", {class: "took", text: `(${Math.round(data.took_ms)} ms)`})];
}

// Everything below the summary line.
export function results(params, data) {
  const hits = el("section", {class: "hits", "aria-label": "Results"}, [timeline(params, data.timeline)]);
  if (data.hits.length) {
    const collapsed = params.get("collapse") !== "off";
    append(hits, [
      el("p", {class: "collapse-toggle"}, collapsed
        ? ["Similar articles are grouped. ", el("a", {href: href(params, {collapse: "off"}), text: "Show every copy"})]
        : ["Every copy is shown. ", el("a", {href: href(params, {collapse: null}), text: "Group similar articles"})]),
      el("ol", {class: "results", start: String((data.page - 1) * data.per_page + 1)},
        data.hits.map((h) => hit(h, data.query))),
      pagination(params, data)]);
  } else {
    append(hits, [empty(params, data.query)]);
  }
  return [
    data.suggestion ? el("p", {class: "suggestion"}, ["Did you mean ",
      el("a", {href: href(params, {q: data.suggestion}), text: data.suggestion}), "?"]) : null,
    data.fuzzy_applied ? el("p", {class: "fuzzy"}, ["Few exact matches: showing results for similar spellings too. ",
      el("a", {href: href(params, {fuzzy: "off"}), text: "Search exact spellings only"})]) : null,
    el("div", {class: "with-facets"}, [hits, facets(params, data.facets || {})])];
}

export function intro() {
  return el("section", {class: "intro", "aria-labelledby": "intro-heading"}, [
    el("h2", {id: "intro-heading", text: "Search the archive"}),
    el("p", {text: "Results appear as you type. Words are combined with AND; use \"exact phrases\", OR, " +
                   "-exclude, title:word and prefix*."})]);
}

function dateOf(value) { return value ? el("time", {datetime: value, text: value.slice(0, 10)}) : null; }

function hit(h, query) {
  const hl = h.highlights || {};
  const titleMarks = Array.isArray(hl) ? [] : (hl.title || []);
  const fragments = Array.isArray(hl) ? hl : (hl.body || []);
  const item = el("li", {class: "result"}, [
    el("h2", {class: "result-title"}, [el("a", {class: "result-link", href: docUrl(h.id, query)},
      [titleMarks.length ? marked(titleMarks[0]) : h.title])]),
    el("p", {class: "meta"}, [
      h.source ? el("span", {class: "source", text: h.source}) : null,
      dateOf(h.date),
      h.places && h.places.length ? el("span", {class: "places", text: h.places.join(", ")}) : null])]);
  fragments.forEach((f) => append(item, [el("p", {class: "snippet"}, [marked(f)])]));
  const similar = h.similar || {};
  if (similar.count) {
    append(item, [el("details", {class: "similar"}, [
      el("summary", {text: plural(similar.count, "similar article")}),
      el("ul", {}, (similar.articles || []).map((other) => el("li", {}, [
        el("a", {href: docUrl(other.id, query), text: other.title}), " ",
        other.source ? el("span", {class: "source", text: other.source}) : null, " ", dateOf(other.date)])))])]);
  }
  return item;
}

function pagination(params, data) {
  if (data.total_pages <= 1) { return null; }
  const page = data.page;
  const nav = el("nav", {class: "pagination", "aria-label": "Result pages"});
  if (page > 1) { append(nav, [el("a", {rel: "prev", href: href(params, {page: String(page - 1)}), text: "← Previous"})]); }
  for (let n = Math.max(1, page - 3); n <= Math.min(data.total_pages, page + 3); n++) {
    append(nav, [n === page ? el("span", {"aria-current": "page", text: String(n)})
      : el("a", {href: href(params, {page: String(n)}), "aria-label": `Page ${n}`, text: String(n)})]);
  }
  if (page < data.total_pages && page * data.per_page < 10000) {
    append(nav, [el("a", {rel: "next", href: href(params, {page: String(page + 1)}), text: "Next →"})]);
  }
  return nav;
}

function empty(params, query) {
  const filtered = FILTERS.some((k) => params.get(k));
  return el("div", {class: "empty"}, [
    el("h2", {}, ["No articles match ", el("q", {text: query})]),
    el("ul", {}, [
      el("li", {text: "Check the spelling, or try fewer or more general words."}),
      el("li", {text: "All words must appear: try OR between alternatives."}),
      el("li", {text: "Remove quotes to match the words anywhere, not as a phrase."}),
      filtered ? el("li", {text: "Remove the source, place or date filters."}) : null])]);
}

function timeline(params, tl) {
  const from = params.get("from"), to = params.get("to");
  if (!tl || !(tl.buckets.length || tl.undated || from || to)) { return null; }
  const section = el("section", {class: "timeline", "aria-labelledby": "timeline-heading"}, [
    el("h2", {id: "timeline-heading", class: "timeline-heading", text: `Matches per ${tl.interval}`})]);
  if (from || to) {
    append(section, [el("p", {class: "timeline-active"}, ["Dates: ",
      el("strong", {text: `${from || "…"} – ${to || "…"}`}), " ",
      el("a", {class: "remove", href: href(params, {from: null, to: null}), text: "✕ Show all dates"})])]);
  }
  const buckets = tl.buckets;
  if (buckets.length) {
    const peak = Math.max(...buckets.map((b) => b.count));
    const width = buckets.length * 10;
    const first = buckets[0].label, last = buckets[buckets.length - 1].label;
    const chart = svgEl("svg", {class: "timeline-chart", viewBox: `0 0 ${width} 50`, preserveAspectRatio: "none",
      width: String(buckets.length * BAR_PX), height: "72", role: "group",
      "aria-label": `Matching articles per ${tl.interval}, ${first} to ${last}`},
      [svgEl("rect", {class: "axis", x: "0", y: "49", width: String(width), height: "1"})]);
    buckets.forEach((b, i) => {
      if (!b.count) { return; }
      const h = Math.max(2, Math.round(b.count / peak * 460) / 10);
      const text = `${b.label}: ${plural(b.count, "article")}`;
      const active = from === b.start && to === b.end;
      append(chart, [svgEl("a", {href: href(params, {from: b.start, to: b.end}), "aria-label": text,
        "aria-current": active ? "true" : null, class: active ? "active" : null}, [
        svgEl("title", {text}),
        svgEl("rect", {class: "hit-area", x: String(i * 10), y: "0", width: "10", height: "50"}),
        svgEl("rect", {class: "bar", x: String(i * 10 + 1), y: String(Math.round((49 - h) * 10) / 10),
                       width: "8", height: String(h)})])]);
    });
    append(section, [el("div", {class: "timeline-plot"}, [chart, el("p", {class: "timeline-axis"}, [
      el("span", {text: first}), buckets.length > 1 ? el("span", {text: last}) : null])])]);
  }
  if (tl.undated) {
    append(section, [el("p", {class: "timeline-undated", text: plural(tl.undated, "article") +
      (tl.undated === 1 ? " is" : " are") + " without a date" + (buckets.length ? " and not in the chart." : ".")})]);
  }
  return section;
}

// A facet's chosen entries first, then the most frequent; past FACET_SHOWN, the rest under "N more".
function facetList(params, key, counts) {
  const chosen = params.getAll(key);
  const entries = chosen.concat(Object.keys(counts).filter((name) => !chosen.includes(name)));
  const shown = Math.max(FACET_SHOWN, chosen.length);
  const item = (name) => {
    const on = chosen.includes(name);
    return el("li", {}, [
      el("a", {href: toggled(params, key, name), "data-facet": key, "aria-current": on ? "true" : null,
               class: on ? "chosen" : null},
        [on ? "✓ " : "", name, on ? el("span", {class: "visually-hidden", text: " (selected: remove)"}) : null]),
      " ", el("span", {class: "count", text: fmt(counts[name] || 0)})]);
  };
  const list = el("ul", {}, entries.slice(0, shown).map(item));
  if (entries.length <= shown) { return list; }
  return el("div", {}, [list, el("details", {class: "more"}, [
    el("summary", {}, [`${entries.length - shown} more`, el("span", {class: "visually-hidden", text: ` ${key}s`})]),
    el("ul", {}, entries.slice(shown).map(item))])]);
}

function facetSection(id, title, body) {
  return el("section", {"aria-labelledby": id}, [el("h2", {id, text: title}), body]);
}

function years(params, facets) {
  const from = params.get("from") || "", to = params.get("to") || "";
  const selected = from && to && from.slice(0, 4) === to.slice(0, 4) ? from.slice(0, 4) : null;
  return el("ul", {}, Object.keys(facets.year).map((year) => {
    const item = el("li", {}, [el("a", {href: href(params, {from: `${year}-01-01`, to: `${year}-12-31`}), text: year}),
      " ", el("span", {class: "count", text: fmt(facets.year[year])})]);
    if (year === selected && facets.month) {
      const months = Object.keys(facets.month).filter((m) => m.startsWith(`${year}-`));
      append(item, [el("ul", {class: "months"}, months.map((month) => {
        const end = new Date(Date.UTC(Number(year), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
        return el("li", {}, [el("a", {href: href(params, {from: `${month}-01`, to: end}), text: month}), " ",
          el("span", {class: "count", text: fmt(facets.month[month])})]);
      }))]);
    }
    return item;
  }));
}

function dates(params) {
  const form = el("form", {class: "dates", action: HOME, method: "get", "aria-labelledby": "facet-dates"}, [
    el("h2", {id: "facet-dates", text: "Dates"})]);
  params.forEach((value, key) => {
    if (!["from", "to", "page"].includes(key)) { append(form, [el("input", {type: "hidden", name: key, value})]); }
  });
  append(form, [
    el("label", {for: "date-from", text: "From"}), " ",
    el("input", {id: "date-from", type: "date", name: "from", value: params.get("from") || ""}), " ",
    el("label", {for: "date-to", text: "To"}), " ",
    el("input", {id: "date-to", type: "date", name: "to", value: params.get("to") || ""}), " ",
    el("button", {type: "submit", text: "Apply dates"})]);
  return form;
}

function facets(params, counts) {
  const sort = params.get("sort") || "relevance";
  const sorts = [["relevance", "Relevance"], ["newest", "Newest"], ["oldest", "Oldest"]];
  const aside = el("aside", {class: "facets", "aria-label": "Refine results"}, [
    facetSection("facet-sort", "Sort", el("ul", {class: "sorts"}, sorts.map(([key, label]) => el("li", {}, [
      sort === key ? el("span", {"aria-current": "true", text: label})
        : el("a", {href: href(params, {sort: key === "relevance" ? null : key}), text: label})]))))]);
  if (counts.source && Object.keys(counts.source).length) {
    append(aside, [facetSection("facet-source", "Source", facetList(params, "source", counts.source))]);
  }
  if (counts.place && Object.keys(counts.place).length) {
    append(aside, [facetSection("facet-place", "Places", facetList(params, "place", counts.place))]);
  }
  if (counts.year && Object.keys(counts.year).length) {
    append(aside, [facetSection("facet-year", "Year", years(params, counts))]);
  }
  append(aside, [dates(params)]);
  if (FILTERS.some((k) => params.get(k))) {
    append(aside, [el("p", {}, [el("a", {class: "clear", href: href(params, {source: null, place: null, from: null, to: null}),
      text: "Clear filters"})])]);
  }
  return aside;
}
