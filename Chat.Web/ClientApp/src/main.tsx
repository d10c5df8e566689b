import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './app.css';
import { registerServiceWorker } from './serviceWorker';
import { traceRestCalls } from './telemetry/restTracing';

traceRestCalls();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

registerServiceWorker();
