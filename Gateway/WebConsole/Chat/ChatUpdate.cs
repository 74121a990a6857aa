using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.WebConsole.Chat;

/// <summary>A piece of a streamed console answer: new text and reasoning, and at the end the engine's summary.</summary>
internal sealed record ChatUpdate(string Content, string Reasoning, GenerationSummary? Summary = null);
