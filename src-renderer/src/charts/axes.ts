import { chartTheme } from './echarts'

/** Axis styling shared by the views' charts. */
export function axisStyle() {
  const t = chartTheme()
  return {
    axisLine: { lineStyle: { color: t.grid } },
    axisLabel: { color: t.text },
    splitLine: { lineStyle: { color: t.grid, opacity: 0.5 } },
  }
}

/**
 * Bounds for a time axis: the data's extent, but at least `minSpanMs` wide, ending just after
 * the last point (so it is not clipped at the edge). Without it, ECharts gives a single sample
 * a two-day axis and the point disappears.
 */
export function timeAxisBounds(minSpanMs = 5 * 60_000) {
  const pad = (v: { min: number; max: number }) => Math.max(v.max - v.min, minSpanMs) / 50
  return {
    min: (v: { min: number; max: number }) => Math.min(v.min, v.max - minSpanMs),
    max: (v: { min: number; max: number }) => v.max + pad(v),
  }
}
