namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>What every chunk or response of one completion shares.</summary>
internal sealed record ResponseFrame(string Id, long Created, string Model);
