import './focus.css'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { setFarmApi } from './api/ui-api'
import { createWebSocketApi } from './api/websocket-api'
import { addMissingAria } from './naive-aria'

// Electron's preload gives the API; in a browser the page talks to `task-farm serve` itself.
setFarmApi(window.taskFarm ?? createWebSocketApi(window.location))
createApp(App).use(createPinia()).mount('#app')
// Dialogs and popovers are placed at the end of <body>, outside #app.
addMissingAria(document.body)
