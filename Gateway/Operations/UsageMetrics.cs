using System.Diagnostics.Metrics;

namespace Verge.Orleans.Gateway.Operations;

/// <summary>
/// Usage on <c>/metrics</c>, the figures the usage API stores: tokens by user, assistant and kind
/// (prompt, cached, completion) and finished requests. Never a key id or a secret.
/// </summary>
internal sealed class UsageMetrics
{
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _requests;

    public UsageMetrics()
    {
        var meter = VergeMeter.Instance;
        _tokens = meter.CreateCounter<long>("verge.usage.tokens", description: "Tokens of finished generations by user, assistant and kind (prompt, cached, completion).");
        _requests = meter.CreateCounter<long>("verge.usage.requests", description: "Finished generations by user and assistant.");
    }

    public void Used(string user, string assistant, long prompt, long cached, long completion)
    {
        _requests.Add(1, new("user", user), new("assistant", assistant));
        _tokens.Add(prompt, new("user", user), new("assistant", assistant), new("kind", "prompt"));
        _tokens.Add(cached, new("user", user), new("assistant", assistant), new("kind", "cached"));
        _tokens.Add(completion, new("user", user), new("assistant", assistant), new("kind", "completion"));
    }
}
