"""The report's stylesheet, inlined into every page (no file or font is fetched)."""

CSS = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.45;
  color: #1a1a1a; background: #ffffff; margin: 0 auto; max-width: 62rem; padding: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 0.4rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 0.6rem; border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 0.4rem; }
p.lead { font-size: 1.05rem; }
p.meta, figcaption, caption, .note { color: #444444; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 0.4rem 0 1rem; font-size: 0.88rem; }
th, td { border-bottom: 1px solid #cccccc; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; caption-side: top; padding-bottom: 0.2rem; }
figure.chart { margin: 1rem 0 1.5rem; display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
  gap: 1rem; align-items: start; }
figure.chart figcaption { grid-column: 1 / -1; }
figure.chart.wide { grid-template-columns: minmax(0, 1fr); }
figure.chart svg { max-width: 100%; height: auto; }
.verdict { font-weight: bold; }
blockquote { margin: 0.2rem 0 0.4rem 1rem; padding-left: 0.6rem; border-left: 3px solid #E69F00;
  font-style: italic; }
ul.evidence { font-size: 0.88rem; }
@media (max-width: 50rem) { figure.chart { grid-template-columns: 1fr; } }
@media print {
  @page { size: A4; margin: 15mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  section.cluster { break-before: page; }
  figure, table, blockquote { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  figure.chart { grid-template-columns: 1fr; }
}
"""
