/**
 * A plotly.js figure as plain JSON: what figure builders return, what the exporter renders and
 * stores, and what JupyterLab's plotly renderer draws (mime application/vnd.plotly.v1+json).
 * Kept loose on purpose: plotly's own typings are large and not needed to build a spec.
 */
export type Trace = { type?: string; name?: string; [key: string]: unknown };
export type Layout = { [key: string]: unknown };

export interface Figure {
  data: Trace[];
  layout: Layout;
}
