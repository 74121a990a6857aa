namespace Verge.Orleans.Gateway.OpenAi.Contracts;

internal sealed record ModelList(IReadOnlyList<ModelEntry> Data)
{
    public string Object => "list";
}

internal sealed record ModelEntry(string Id, long Created, string OwnedBy)
{
    public string Object => "model";
}
