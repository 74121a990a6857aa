using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Grains.Sessions;

[GenerateSerializer, Alias("verge.ChatSessionState")]
public sealed class ChatSessionState
{
    [Id(0)] public string Title { get; set; } = "";

    [Id(1)] public string Assistant { get; set; } = "";

    [Id(2)] public DateTimeOffset Created { get; set; }

    [Id(3)] public DateTimeOffset Updated { get; set; }

    [Id(4)] public List<ChatTurn> Turns { get; set; } = [];
}
