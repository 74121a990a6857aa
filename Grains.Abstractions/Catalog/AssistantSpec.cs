namespace Verge.Orleans.Grains.Abstractions.Catalog;

/// <summary>What clients address: its <see cref="Name"/> is the API's <c>model</c> (VergeOS "Assistant").</summary>
[GenerateSerializer, Immutable, Alias("verge.AssistantSpec")]
public sealed record AssistantSpec
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public string Description { get; init; } = "";

    /// <summary>Name of the backing model (empty for an assistant served by an <see cref="Upstream"/>).</summary>
    [Id(2)] public string Model { get; init; } = "";

    [Id(3)] public ChatHistoryMode ChatHistory { get; init; } = ChatHistoryMode.AlwaysOn;

    [Id(4)] public bool DisableThink { get; init; }

    [Id(5)] public string SystemPrompt { get; init; } = "";

    /// <summary>Default sampling temperature (0.0–1.0); null leaves it to the request.</summary>
    [Id(6)] public float? Temperature { get; init; }

    /// <summary>Response length limit; 0 means no limit.</summary>
    [Id(7)] public int MaxTokens { get; init; }

    [Id(8)] public int ContextScore { get; init; } = 65;

    [Id(9)] public DateTimeOffset Created { get; init; }

    /// <summary>An external OpenAI-compatible server that serves this assistant instead of a local model.</summary>
    [Id(10)] public UpstreamSpec? Upstream { get; init; }
}
