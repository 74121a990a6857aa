namespace Verge.Orleans.Grains.Inference;

/// <summary>Who a request is for, as fair scheduling sees it: the user, the key, and the user's weight (priority).</summary>
internal sealed record Requester(string User, string Key, double Weight)
{
    /// <summary>Requests that name nobody (tests, internal callers) share one flow.</summary>
    public static readonly Requester Anonymous = new("", "", 1);
}
