/**
 * One self-contained HTML page for the learner and for a ticket: verify's verdicts on the
 * tutorial's observations, the wiring, the services and pods, and the route table, every picture
 * inline. Nothing is fetched: no script, no font, no image from outside, and a Content Security
 * Policy that forbids any request. Pure.
 */
import { drawRouteTable, drawServicesAndPods } from "./pictures";
import { escapeXml, FONT_FAMILY, MAX_PICTURE_WIDTH, PROBLEM_TEXT_COLOUR, TONES } from "./style";
import { drawWiring, wiringSummary, wiringTitle } from "./wiring";
import { WiringModel } from "./wiringModel";

const STYLE = `
body { font-family: ${FONT_FAMILY}; font-size: 14px; color: #1a1a1a; margin: 16px; max-width: ${MAX_PICTURE_WIDTH + 16}px; }
h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 28px; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #999; padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f4f4f4; }
col.verdict { width: 6em; } col.check { width: 24%; }
td.fail { color: ${PROBLEM_TEXT_COLOUR}; font-weight: bold; background: ${TONES.problem.fill}; }
td.pass { font-weight: bold; }
figure { margin: 0; overflow-x: auto; }
svg { max-width: 100%; height: auto; }
`;

export async function drawReport(model: WiringModel): Promise<string> {
    const [wiring, servicesAndPods, routeTable] = await Promise.all([
        drawWiring(model, "report-wiring"),
        drawServicesAndPods(model, "report-services-pods"),
        drawRouteTable(model, "report-route-table"),
    ]);
    const failed = model.checks.filter((check) => !check.ok).length;
    const rows = model.checks
        .map(
            (check) =>
                `<tr><td class="${check.ok ? "pass" : "fail"}">${check.ok ? "PASS" : "FAIL"}</td><td>${escapeXml(check.name)}</td><td>${escapeXml(check.expected)}</td><td>${escapeXml(check.observed)}</td></tr>`,
        )
        .join("\n");
    const title = `${wiringTitle(model)}: report`;
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p>${escapeXml(wiringSummary(model))}.</p>
<p>${failed === 0 ? "verify finds every observation of the tutorial as it should be." : `verify finds ${failed} observation${failed === 1 ? "" : "s"} of the tutorial wrong: marked PROBLEM in the pictures, where each happens.`}</p>
<h2 id="verdicts">The tutorial's observations, and verify's verdicts</h2>
<table>
<colgroup><col class="verdict"><col class="check"><col><col></colgroup>
<thead><tr><th>verdict</th><th>check</th><th>expected</th><th>observed</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2 id="wiring">The wiring</h2>
<figure>
${wiring}</figure>
<h2 id="services-and-pods">Services and pods</h2>
<figure>
${servicesAndPods}</figure>
<h2 id="route-table">The route table</h2>
<figure>
${routeTable}</figure>
</body>
</html>
`;
}
