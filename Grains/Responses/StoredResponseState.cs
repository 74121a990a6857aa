using Verge.Orleans.Grains.Abstractions.Responses;

namespace Verge.Orleans.Grains.Responses;

[GenerateSerializer, Alias("verge.StoredResponseState")]
public sealed class StoredResponseState
{
    [Id(0)] public StoredResponse? Response { get; set; }
}
