import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { useRequestMiddleware } from '../api/rest';
import { startSpan, traceparentOf } from './tracing';

/**
 * Every REST call as a client span named by its route ("GET /api/conversations/{peerId}/messages":
 * history, search, lists), its traceparent on the request, so the web front's and the API's spans
 * of it join its trace. Installed once; a no-op while tracing is off.
 */
export function traceRestCalls() {
  const spans = new WeakMap<Request, Span>();
  useRequestMiddleware({
    onRequest({ request, schemaPath }) {
      const span = startSpan(`${request.method} ${schemaPath}`, { kind: SpanKind.CLIENT, attributes: { 'http.request.method': request.method } });
      const traceparent = traceparentOf(span);
      if (traceparent) request.headers.set('traceparent', traceparent);
      spans.set(request, span);
    },
    onResponse({ request, response }) {
      const span = spans.get(request);
      span?.setAttribute('http.response.status_code', response.status);
      if (response.status >= 500) span?.setStatus({ code: SpanStatusCode.ERROR });
      span?.end();
    },
    onError({ request, error }) {
      const span = spans.get(request);
      span?.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      span?.end();
    },
  });
}
