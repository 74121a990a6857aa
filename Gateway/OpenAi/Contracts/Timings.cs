namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>
/// llama.cpp's per-request timings, as VergeOS returns them, and the time the request waited on its worker
/// before its prompt's evaluation began (a slot, then the step running when it came, then earlier prompts):
/// what the client's end-to-end time holds besides these and the network.
/// </summary>
internal sealed record Timings(
    int PromptN,
    double PromptMs,
    double PromptPerTokenMs,
    double PromptPerSecond,
    int PredictedN,
    double PredictedMs,
    double PredictedPerTokenMs,
    double PredictedPerSecond,
    double QueueMs);
