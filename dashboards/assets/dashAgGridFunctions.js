// Grid cell formatters (dash-ag-grid looks functions up here by name).
// `label`: a category value in words, as dashboards/labels.py `value` writes it; generated
// by `python -m dashboards.labels` (do not edit the table here).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

const GROUNDSWELL_VALUES = {
  "x": "X",
  "facebook": "Facebook",
  "facebook_comment": "Facebook comments",
  "facebook_messenger": "Messenger",
  "instagram": "Instagram",
  "linkedin": "LinkedIn",
  "youtube": "YouTube",
  "scaling_optimizing": "Scaling and optimizing",
  "governance_staffing": "Governance and staffing",
  "tracks_roi": "Tracks ROI",
  "roi_tracked": "ROI tracked",
  "meets_sla": "Meets SLA",
  "sla_attainment": "SLA attainment",
  "x__tweets": "X tweets",
  "customer_support__tweets": "Customer support tweets (archive)",
  "facebook__comments": "Facebook comments",
  "facebook__messages": "Facebook Messenger"
};

dagfuncs.label = function (v) {
  if (v === null || v === undefined || v === "") return "–";
  if (typeof v !== "string") return String(v);
  if (Object.prototype.hasOwnProperty.call(GROUNDSWELL_VALUES, v)) return GROUNDSWELL_VALUES[v];
  return (v.charAt(0).toUpperCase() + v.slice(1)).replaceAll("_", " ");
};
