namespace Verge.Orleans.Grains.Abstractions.Sessions;

/// <summary>
/// Where the gateway stores the turn once the answer has completed, and whether the model keeps its
/// reasoning out of stored history (Strip Think Tag From History).
/// </summary>
[GenerateSerializer, Immutable, Alias("verge.SessionRecording")]
public sealed record SessionRecording(
    [property: Id(0)] string User,
    [property: Id(1)] string SessionId,
    [property: Id(2)] bool StripReasoning);
