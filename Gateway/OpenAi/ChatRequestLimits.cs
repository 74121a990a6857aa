namespace Verge.Orleans.Gateway.OpenAi;

/// <summary>Bounds on what one chat or legacy completion request may ask for (section <c>Verge:Chat</c>).</summary>
internal sealed class ChatRequestLimits
{
    public const string Section = "Verge:Chat";

    /// <summary>Most choices (<c>n</c>) one request may ask for; a worker also needs that many free slots.</summary>
    public int MaxChoices { get; set; } = 8;

    /// <summary>Most tools one request may declare.</summary>
    public int MaxTools { get; set; } = 128;

    /// <summary>Most prompts one legacy completion (<c>/v1/completions</c>) may carry; each is generated side by side.</summary>
    public int MaxPrompts { get; set; } = 16;
}
