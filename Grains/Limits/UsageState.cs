using Verge.Orleans.Grains.Abstractions.Limits;

namespace Verge.Orleans.Grains.Limits;

[GenerateSerializer, Alias("verge.UsageState")]
public sealed class UsageState
{
    [Id(0)] public List<UsageRow> Rows { get; set; } = [];
}
