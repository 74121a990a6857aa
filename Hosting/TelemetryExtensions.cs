using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Verge.Orleans.Grains.Abstractions;

namespace Verge.Orleans.Hosting;

public static class TelemetryExtensions
{
    /// <summary>The activity sources of one request's trace: Verge's engine spans and Orleans' grain calls.</summary>
    public static readonly string[] TraceSources = [VergeTelemetry.Name, "Microsoft.Orleans.Application"];

    /// <summary>
    /// Metrics (Verge's, Orleans', the .NET runtime's) always; traces (with <paramref name="tracing"/>) and
    /// OTLP export only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set: a span per grain call costs time on
    /// every token, and nobody reads spans that go nowhere.
    /// </summary>
    public static OpenTelemetryBuilder AddVergeTelemetry(this IHostApplicationBuilder builder, Action<TracerProviderBuilder>? tracing = null)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(VergeTelemetry.Name, "Microsoft.Orleans").AddRuntimeInstrumentation());
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(traces =>
            {
                traces.AddSource(TraceSources);
                tracing?.Invoke(traces);
            });
            telemetry.UseOtlpExporter();
        }

        return telemetry;
    }
}
