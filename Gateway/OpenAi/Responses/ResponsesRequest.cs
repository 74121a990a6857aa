using System.Text.Json;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Gateway.OpenAi.Responses;

/// <summary>A validated <c>/v1/responses</c> body: what to generate, what it continues, and how to deliver and keep it.</summary>
internal sealed record ResponsesRequest
{
    public required string Model { get; init; }

    /// <summary>The generation settings; its messages are this request's input alone (the chain comes later).</summary>
    public required GenerationRequest Generation { get; init; }

    public string? Instructions { get; init; }

    public string? PreviousResponseId { get; init; }

    public bool Store { get; init; } = true;

    public bool Stream { get; init; }

    /// <summary>Each <c>function_call_output</c>'s call id with its parameter path, to check once the chain is known.</summary>
    public IReadOnlyList<(string CallId, string Param)> ToolResults { get; init; } = [];

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The request's settings as the response object echoes them.</summary>
    public required JsonElement ToolChoiceEcho { get; init; }

    public required JsonElement ToolsEcho { get; init; }

    public required JsonElement TextEcho { get; init; }

    public required JsonElement ReasoningEcho { get; init; }

    /// <summary>Fields we accept without acting on them (logged once).</summary>
    public IReadOnlyList<string> IgnoredFields { get; init; } = [];
}
