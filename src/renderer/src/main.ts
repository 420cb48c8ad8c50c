import { createPinia } from 'pinia'
import { createApp } from 'vue'
import { z } from 'zod'
import App from './App.vue'
import { setFarmApi } from './api/ui-api'
import { createWebSocketApi } from './api/websocket-api'

// The window's CSP forbids eval; zod would otherwise probe for it (and log a violation) to speed up parsing.
z.config({ jitless: true })
// Electron's preload gives the API; in a browser the page talks to `task-farm serve` itself.
setFarmApi(window.taskFarm ?? createWebSocketApi(window.location))
createApp(App).use(createPinia()).mount('#app')
