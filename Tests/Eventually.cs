namespace Verge.Orleans.Tests;

/// <summary>The suite's one wait: polls a condition until it holds, failing with what did not happen.</summary>
internal static class Eventually
{
    /// <summary>Waits up to 30 s (a deadline for a busy CI machine, not a timing assertion).</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string failure = "the condition did not hold")
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException(failure + " within 30 s");
            }

            await Task.Delay(20);
        }
    }
}
