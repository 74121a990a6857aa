using Verge.Orleans.Grains.Abstractions.Identity;

namespace Verge.Orleans.Grains.Identity;

[GenerateSerializer, Alias("verge.UserState")]
public sealed class UserState
{
    [Id(0)] public UserSpec? User { get; set; }

    [Id(1)] public List<string> Keys { get; set; } = [];
}
