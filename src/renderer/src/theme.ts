import type { GlobalThemeOverrides } from 'naive-ui'

// Dark enough on white for text (the active tab, links) to read at 4.5:1.
const brand = {
  primaryColor: '#0b7d5e',
  primaryColorHover: '#0f9d76',
  primaryColorPressed: '#086148',
  primaryColorSuppl: '#0f9d76',
}
const font = 'Inter, "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif'

export const lightOverrides: GlobalThemeOverrides = {
  common: { ...brand, fontFamily: font, borderRadius: '6px', bodyColor: '#f4f6f8' },
  Layout: { siderColor: '#0f172a', headerColor: '#ffffff', color: '#f4f6f8' },
  Card: { borderRadius: '10px' },
  // Naive's tag text on its tinted backgrounds is too light to read at 4.5:1 in the light theme.
  Tag: {
    textColorSuccess: '#166534',
    textColorInfo: '#1d4ed8',
    textColorWarning: '#92400e',
    textColorError: '#b91c1c',
    textColorPrimary: '#086148',
  },
  // An empty list's sentence and a field's warning: naive's greys and amber read at under 2:1 here.
  Empty: { textColor: '#5b6472' },
  // A timeline entry's time: naive's grey reads at 4.2:1 on a white card.
  Timeline: { metaTextColor: '#5b6472' },
  Form: { feedbackTextColorWarning: '#92400e' },
}
export const darkOverrides: GlobalThemeOverrides = {
  common: {
    ...brand,
    primaryColor: '#2dd4a0',
    primaryColorHover: '#4be0b2',
    fontFamily: font,
    borderRadius: '6px',
    bodyColor: '#0b0f17',
  },
  Layout: { siderColor: '#0b1220', headerColor: '#111827', color: '#0b0f17' },
  Card: { borderRadius: '10px', color: '#131a26' },
  Empty: { textColor: '#9aa3b2' },
}
