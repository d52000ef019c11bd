/**
 * The report's charts, as SVG rendered in Node without a browser: a Vega-Lite specification is
 * compiled to Vega and rendered headless (`renderer: 'none'`, `View.toSVG`). Data is inline, so
 * rendering loads nothing. Charts: findings by status over snapshots, findings by severity over
 * snapshots, and the distribution of time to disable against the SLA.
 */
import type { TtdBucket } from './buildReport.js';
import type { TrendPoint } from './reportInputs.js';

const STATUS_COLORS: Record<string, string> = { live: '#c62828', window: '#ef6c00', unverified: '#6a1b9a', dormant: '#78909c' };
const SEVERITY_COLORS: Record<string, string> = { critical: '#8e0000', high: '#d84315', medium: '#f9a825', low: '#90a4ae' };
const SLA_COLORS: Record<string, string> = { 'within SLA': '#2e7d32', 'over SLA': '#c62828' };

export interface RenderedCharts {
  status: string;
  severity: string;
  timeToDisable: string;
  renderer: { vega: string; vegaLite: string };
}

/** Short unique labels for snapshots on a time axis. */
function snapshotLabels(trend: TrendPoint[]): string[] {
  const day = trend.map((t) => t.at.slice(0, 10));
  const minute = trend.map((t) => t.at.slice(0, 16).replace('T', ' '));
  const base = trend.map((_, i) => (day.filter((d) => d === day[i]).length > 1 ? minute[i] : day[i]));
  return base.map((b, i) => (base.filter((x) => x === b).length > 1 ? `${b} #${base.slice(0, i + 1).filter((x) => x === b).length}` : b));
}

type Spec = Record<string, unknown>;

function stackedTrend(trend: TrendPoint[], field: 'byStatus' | 'bySeverity', colors: Record<string, string>, title: string): Spec {
  const labels = snapshotLabels(trend);
  const domain = Object.keys(colors);
  const values = trend.flatMap((t, i) => domain.map((k, j) => ({ snapshot: labels[i], order: i, key: k, keyOrder: j, count: t[field][k] ?? 0 })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: trend.length <= 4 ? 200 : { step: 30 },
    height: 180,
    data: { values },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      x: { field: 'snapshot', type: 'ordinal', sort: { field: 'order' }, title: 'snapshot (collection time)', axis: { labelAngle: trend.length > 6 ? -40 : 0 } },
      y: { aggregate: 'sum', field: 'count', type: 'quantitative', title: 'findings', axis: { format: 'd', tickMinStep: 1 } },
      color: { field: 'key', type: 'nominal', title: field === 'byStatus' ? 'status' : 'severity', scale: { domain, range: domain.map((k) => colors[k]) } },
      order: { field: 'keyOrder', type: 'quantitative', sort: 'descending' },
    },
  };
}

function ttdSpec(buckets: TtdBucket[], allLabels: string[], slaText: string): Spec {
  // A zero row per bucket keeps every bucket on the axis and the scale finite when nothing is measurable.
  const values = [...allLabels.map((l, i) => ({ bucket: l, order: i, sla: 'within SLA', count: 0 })), ...buckets.map((b) => ({ bucket: b.bucket, order: b.order, sla: b.sla, count: b.count }))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Time from termination to disable (SLA ${slaText})`,
    width: 480,
    height: 180,
    data: { values },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      x: { field: 'bucket', type: 'ordinal', scale: { domain: allLabels }, title: 'time to disable', axis: { labelAngle: 0 } },
      y: {
        aggregate: 'sum',
        field: 'count',
        type: 'quantitative',
        title: 'accounts',
        axis: { format: 'd', tickMinStep: 1 },
        ...(buckets.length === 0 ? { scale: { domain: [0, 1] } } : {}),
      },
      color: { field: 'sla', type: 'nominal', title: 'against SLA', scale: { domain: Object.keys(SLA_COLORS), range: Object.values(SLA_COLORS) } },
    },
  };
}

const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  background: '#ffffff',
  view: { stroke: null },
  axis: { labelFontSize: 10, titleFontSize: 11, grid: true, gridColor: '#eceff1' },
  legend: { labelFontSize: 10, titleFontSize: 11 },
  title: { fontSize: 13, anchor: 'start' },
};

/** Render every chart of the report to SVG strings. */
export async function renderCharts(trend: TrendPoint[], ttd: TtdBucket[], ttdLabels: string[], slaText: string): Promise<RenderedCharts> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const render = async (spec: Spec): Promise<string> => {
    const compiled = vl.compile({ ...spec, config: CONFIG } as unknown as Parameters<typeof vl.compile>[0]).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  };
  const [status, severity, timeToDisable] = await Promise.all([
    render(stackedTrend(trend, 'byStatus', STATUS_COLORS, 'Findings by status over snapshots')),
    render(stackedTrend(trend, 'bySeverity', SEVERITY_COLORS, 'Findings by severity over snapshots')),
    render(ttdSpec(ttd, ttdLabels, slaText)),
  ]);
  return { status, severity, timeToDisable, renderer: { vega: vega.version, vegaLite: vl.version } };
}
