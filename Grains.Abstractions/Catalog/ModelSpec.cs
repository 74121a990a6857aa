namespace Verge.Orleans.Grains.Abstractions.Catalog;

/// <summary>A model as an operator registers it: a GGUF file and how to run it (VergeOS "Model").</summary>
[GenerateSerializer, Immutable, Alias("verge.ModelSpec")]
public sealed record ModelSpec
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public string Description { get; init; } = "";

    /// <summary>Local path of the GGUF file; with a <see cref="Url"/> and no path, <c>models/NAME.gguf</c> in the data folder.</summary>
    [Id(2)] public string Path { get; init; } = "";

    /// <summary>Threads each worker uses.</summary>
    [Id(3)] public int Cores { get; init; } = 8;

    /// <summary>Most tokens of one active sequence: system prompt, history, input and output.</summary>
    [Id(4)] public int ContextSize { get; init; } = 8192;

    /// <summary>Sequences each worker serves at once.</summary>
    [Id(5)] public int Parallel { get; init; } = 4;

    [Id(6)] public int MinWorkers { get; init; } = 1;

    [Id(7)] public int MaxWorkers { get; init; } = 1;

    /// <summary>True when the model wants a GPU silo; false means CPU only (any silo).</summary>
    [Id(8)] public bool Gpu { get; init; }

    /// <summary>A GPU model may run on a CPU silo when no GPU silo is available.</summary>
    [Id(9)] public bool AllowCpuFallback { get; init; }

    [Id(10)] public bool InsertThinkTag { get; init; }

    [Id(11)] public bool StripThinkTagFromHistory { get; init; }

    /// <summary>Requests that may wait for a free slot on one worker before the next is refused.</summary>
    [Id(12)] public int MaxQueue { get; init; } = 64;

    /// <summary>An http(s) address the cluster downloads the GGUF file from when it is not at <see cref="Path"/> yet.</summary>
    [Id(13)] public string? Url { get; init; }

    /// <summary>Expected SHA-256 of the file (hex); a download that does not match puts the model in <c>Error</c>.</summary>
    [Id(14)] public string? Sha256 { get; init; }

    /// <summary>An embedding model: its assistant answers <c>/v1/embeddings</c> and refuses chat completions.</summary>
    [Id(15)] public bool Embedding { get; init; }

    /// <summary>How an embedding model pools its token states (<c>mean</c>, <c>cls</c>, <c>last</c>); null: the GGUF's <c>pooling_type</c>, else mean.</summary>
    [Id(16)] public string? Pooling { get; init; }

    /// <summary>The values <see cref="Pooling"/> accepts.</summary>
    public static IReadOnlyList<string> PoolingTypes { get; } = ["mean", "cls", "last"];

    /// <summary>
    /// Host RAM per worker, in MiB, for the KV of conversations pushed out of their slots (least recently
    /// used out); their next turn restores it instead of evaluating the prefix again. 0 turns it off.
    /// </summary>
    [Id(17)] public int PromptCacheMiB { get; init; } = 256;

    /// <summary>
    /// Longest wait for a slot, in seconds: a request the worker estimates it cannot start within it is
    /// refused at once (429 with that estimate as <c>Retry-After</c>), and one still waiting past it is
    /// answered with that error without ever taking a slot.
    /// </summary>
    [Id(18)] public int MaxQueueSeconds { get; init; } = 30;
}
