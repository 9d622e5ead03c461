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
