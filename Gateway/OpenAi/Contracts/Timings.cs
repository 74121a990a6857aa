namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>llama.cpp's per-request timings, as VergeOS returns them.</summary>
internal sealed record Timings(
    int PromptN,
    double PromptMs,
    double PromptPerTokenMs,
    double PromptPerSecond,
    int PredictedN,
    double PredictedMs,
    double PredictedPerTokenMs,
    double PredictedPerSecond);
