using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Verge.Orleans.Grains.Abstractions;

namespace Verge.Orleans.Silo.Hosting;

public static class TelemetryExtensions
{
    /// <summary>
    /// Metrics (Verge's, Orleans', the .NET runtime's) and traces (Verge's engine spans and Orleans' grain
    /// calls); exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public static OpenTelemetryBuilder AddVergeTelemetry(this IHostApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(VergeTelemetry.Name, "Microsoft.Orleans").AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing.AddSource(VergeTelemetry.Name, "Microsoft.Orleans.Application"));
        if (!string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return telemetry;
    }
}
