import { getToken } from './api.js';

/**
 * Subscribes to GET /v1/stream. EventSource cannot send headers, so the token goes as ?token=
 * (the API accepts it there for this route only). After any interruption the views are refetched
 * whole (`onResync`): events may have been applied while the stream was down.
 */
export function connectLive({ onApplied, onPosition, onResync, onState }) {
  let source = null;
  let retry = null;
  let interrupted = false;
  let delay = 2_000;

  const start = () => {
    stop();
    const token = getToken();
    if (!token) return onState('off');
    onState('connecting');
    source = new EventSource(`/v1/stream?token=${encodeURIComponent(token)}`);
    source.addEventListener('open', () => {
      onState('live');
      delay = 2_000;
      if (interrupted) onResync();
      interrupted = false;
    });
    source.addEventListener('applied', (e) => onApplied(parse(e.data)));
    source.addEventListener('position', (e) => onPosition(parse(e.data)));
    source.addEventListener('resync', () => onResync());
    source.addEventListener('error', () => {
      interrupted = true;
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (an error status, such as a refused token): try again later ourselves.
        onState('offline');
        retry = setTimeout(start, delay);
        delay = Math.min(delay * 2, 60_000);
      } else {
        onState('reconnecting');
      }
    });
  };

  const stop = () => {
    clearTimeout(retry);
    source?.close();
    source = null;
  };

  start();
  return { restart: start, stop };
}

function parse(data) {
  try {
    return JSON.parse(data);
  } catch {
    return {};
  }
}
