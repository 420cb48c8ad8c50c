import { darkTheme, lightTheme, type GlobalTheme, type GlobalThemeOverrides } from 'naive-ui'
import { composite, rgba } from 'seemly'
import { describe, expect, it } from 'vitest'
import { darkOverrides, lightOverrides } from '../../src/renderer/src/theme'

// Text the window shows on its cards, read from naive-ui's own theme functions with our overrides,
// as naive-ui itself merges them: axe in the window tests sees such a colour only when it can tell
// the background, which it often cannot (a timeline's rail overlaps its text), so the rule is kept here.
type Self = (vars: Record<string, string>) => Record<string, string>

function luminance(color: string): number {
  const [r, g, b] = rgba(color).map((c) => {
    const v = c / 255
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** WCAG's contrast ratio of a (possibly translucent) text colour drawn on an opaque background. */
function contrast(text: string, background: string): number {
  const [a, b] = [luminance(composite(background, text)), luminance(background)]
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)
}

function themed(theme: GlobalTheme, overrides: GlobalThemeOverrides, component: 'Timeline' | 'Empty' | 'Card') {
  const common = { ...theme.common, ...overrides.common } as Record<string, string>
  const self = (theme[component] as unknown as { self: Self }).self(common)
  return { ...self, ...(overrides[component] as Record<string, string> | undefined) }
}

describe.each([
  ['light', lightTheme, lightOverrides],
  ['dark', darkTheme, darkOverrides],
])('the %s theme', (_name, theme, overrides) => {
  const card = themed(theme, overrides, 'Card').color!

  it("reads at 4.5:1 or more for every text of a job's timeline", () => {
    const timeline = themed(theme, overrides, 'Timeline')
    for (const key of ['titleTextColor', 'contentTextColor', 'metaTextColor'])
      expect(contrast(timeline[key]!, card), key).toBeGreaterThanOrEqual(4.5)
  })

  it('reads at 4.5:1 or more for an empty list on a card', () => {
    expect(contrast(themed(theme, overrides, 'Empty').textColor!, card)).toBeGreaterThanOrEqual(4.5)
  })
})
