namespace Verge.Orleans.Grains.Responses;

[GenerateSerializer, Alias("verge.UserResponsesState")]
public sealed class UserResponsesState
{
    /// <summary>Response id → when it was stored.</summary>
    [Id(0)] public Dictionary<string, DateTimeOffset> Responses { get; set; } = [];
}
