using System.Diagnostics;
using Verge.Orleans.Grains.Abstractions;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Spans of one generation: <c>verge.generate</c> around it, and the engine's <c>verge.prefill</c> and
/// <c>verge.decode</c> phases inside it, timed by the engine (queue, prompt and generation milliseconds).
/// </summary>
internal static class EngineTracing
{
    public static readonly ActivitySource Source = new(VergeTelemetry.Name);

    public static Activity? StartGenerate(string worker, int promptTokens)
    {
        var activity = Source.StartActivity("verge.generate");
        activity?.SetTag("verge.worker", worker);
        activity?.SetTag("gen_ai.usage.input_tokens", promptTokens);
        return activity;
    }

    /// <summary>Adds the engine's phases under <paramref name="generate"/>, which started when the request was submitted.</summary>
    public static void RecordPhases(Activity? generate, GenerationSummary summary)
    {
        if (generate is null)
        {
            return;
        }

        generate.SetTag("gen_ai.usage.output_tokens", summary.CompletionTokens);
        generate.SetTag("verge.finish_reason", summary.FinishReason.ToString());
        var prefillStart = generate.StartTimeUtc + TimeSpan.FromMilliseconds(summary.QueueMs);
        var decodeStart = prefillStart + TimeSpan.FromMilliseconds(summary.PromptMs);
        Phase(generate, "verge.prefill", prefillStart, decodeStart, "verge.prompt_evaluated", summary.PromptEvaluated);
        Phase(generate, "verge.decode", decodeStart, decodeStart + TimeSpan.FromMilliseconds(summary.PredictedMs), "verge.tokens", summary.CompletionTokens);
    }

    private static void Phase(Activity parent, string name, DateTime start, DateTime end, string tag, int value)
    {
        using var phase = Source.StartActivity(name, ActivityKind.Internal, parent.Context, startTime: start);
        phase?.SetTag(tag, value);
        phase?.SetEndTime(end);
    }
}
