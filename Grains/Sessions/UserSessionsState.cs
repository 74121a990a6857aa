using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Grains.Sessions;

[GenerateSerializer, Alias("verge.UserSessionsState")]
public sealed class UserSessionsState
{
    /// <summary>By session id.</summary>
    [Id(0)] public Dictionary<string, ChatSessionSummary> Sessions { get; set; } = [];
}
