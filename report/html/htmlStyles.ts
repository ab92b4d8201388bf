/** The report page's only styles: inline, system fonts, no web fonts or images to fetch. */
export const REPORT_CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a202c; margin: 0; background: #f7fafc; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
p.meta { color: #4a5568; margin: 0 0 16px; }
section.card { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 16px; margin-bottom: 16px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 16px; }
svg.chart { max-width: 100%; height: auto; display: block; }
svg .grid { stroke: #e2e8f0; }
svg .axis { stroke: #718096; }
svg text { font: 11px system-ui, sans-serif; fill: #4a5568; }
svg .value { fill: #1a202c; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 6px 8px; border-bottom: 1px solid #edf2f7; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; white-space: normal; }
th { background: #edf2f7; font-weight: 600; white-space: normal; }
section.card h2 { margin-top: 0; }
.scroll { overflow-x: auto; }
td.bad { color: #c53030; font-weight: 600; }
dl.kpi { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin: 0; }
dl.kpi div { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 12px; }
dl.kpi dt { color: #4a5568; font-size: 12px; }
dl.kpi dd { margin: 4px 0 0; font-size: 20px; font-weight: 600; }
dl.kpi dd small { display: block; font-size: 12px; font-weight: 400; color: #4a5568; }
footer { color: #718096; font-size: 12px; margin-top: 24px; }
`;
