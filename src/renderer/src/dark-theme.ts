// Naive's dark theme holds every component's dark styles: loaded only when the window turns dark.
export { darkTheme } from 'naive-ui'
