import type { GlobalThemeOverrides } from 'naive-ui'

const brand = {
  primaryColor: '#0f9d76',
  primaryColorHover: '#14b386',
  primaryColorPressed: '#0b7d5e',
  primaryColorSuppl: '#14b386',
}
const font = 'Inter, "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif'

export const lightOverrides: GlobalThemeOverrides = {
  common: { ...brand, fontFamily: font, borderRadius: '6px', bodyColor: '#f4f6f8' },
  Layout: { siderColor: '#0f172a', headerColor: '#ffffff', color: '#f4f6f8' },
  Card: { borderRadius: '10px' },
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
}
