/**
 * Traces, with OpenTelemetry: a span per operation, and below it a span per
 * engine request the operation started (its method, route template and
 * status; never ids, bodies or credentials), so a slow dashboard shows which
 * engine lists it waited for.
 *
 * The hot path uses only `@opentelemetry/api`, whose tracer does nothing
 * until a provider is registered. The SDK and its OTLP/HTTP exporter are
 * loaded here, and only when a collector is named (`tracing.endpoint`, or
 * the standard `OTEL_EXPORTER_OTLP_ENDPOINT`).
 */
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = () => trace.getTracer('rhev-graphql');

/** Registers the SDK sending spans to `endpoint` (an OTLP/HTTP collector's base URL); resolves to its shutdown. */
export async function startTracing(endpoint: string, version: string): Promise<() => Promise<void>> {
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'rhev-graphql', 'service.version': version }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }))],
  });
  provider.register();
  return async () => {
    await provider.shutdown();
    trace.disable();
  };
}

/** The span of one operation, begun when it is accepted. */
export function operationSpan(transport: string, requestId: string): Span {
  return tracer().startSpan('graphql operation', {
    kind: SpanKind.SERVER,
    attributes: { 'rhev.transport': transport, 'rhev.request_id': requestId },
  });
}

/** Ends an operation's span, named for what it turned out to be, failed when it answered with errors. */
export function endOperationSpan(
  span: Span,
  info: { type: string; name: string | null; codes: readonly string[]; upstream: number },
): void {
  span.updateName(`${info.type}${info.name ? ` ${info.name}` : ''}`);
  span.setAttributes({
    'graphql.operation.type': info.type,
    ...(info.name ? { 'graphql.operation.name': info.name } : {}),
    'rhev.engine_requests': info.upstream,
  });
  if (info.codes.length) span.setStatus({ code: SpanStatusCode.ERROR, message: info.codes.join(',') });
  span.end();
}

/** An engine request the operation of `parent` made, told when it has ended (it began `ms` ago). */
export function engineRequestSpan(parent: Span, info: { method: string; route: string; status: number; ms: number; bytes: number }): void {
  const end = Date.now();
  const span = tracer().startSpan(
    `${info.method} ${info.route}`,
    {
      kind: SpanKind.CLIENT,
      startTime: end - info.ms,
      attributes: {
        'http.request.method': info.method,
        'url.template': info.route,
        'http.response.status_code': info.status,
        'rhev.response_bytes': info.bytes,
      },
    },
    trace.setSpan(context.active(), parent),
  );
  if (info.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(end);
}
