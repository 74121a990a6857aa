namespace Verge.Orleans.Grains.Abstractions.Catalog;

/// <summary>A model's state as the model dashboard shows it: state, why, download progress, workers.</summary>
[GenerateSerializer, Immutable, Alias("verge.ModelStatus")]
public sealed record ModelStatus
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public ModelState State { get; init; }

    /// <summary>Why the model is in <c>Error</c> (or not online yet).</summary>
    [Id(2)] public string? Reason { get; init; }

    [Id(3)] public long DownloadedBytes { get; init; }

    /// <summary>The file's size when the server announced it.</summary>
    [Id(4)] public long? TotalBytes { get; init; }

    [Id(5)] public double? Percent { get; init; }

    /// <summary>Workers running now (between Min and Max Workers; 0 for a model scaled to zero).</summary>
    [Id(6)] public int Workers { get; init; }
}
