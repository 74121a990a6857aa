namespace Verge.Orleans.Grains.Abstractions.Sessions;

/// <summary>A request that names a chat session: whose, which, and the request's own <c>chat_history</c> choice.</summary>
[GenerateSerializer, Immutable, Alias("verge.SessionRequest")]
public sealed record SessionRequest(
    [property: Id(0)] string User,
    [property: Id(1)] string SessionId,
    [property: Id(2)] bool? ChatHistory);
