namespace Verge.Orleans.Grains.Abstractions.Inference;

/// <summary>OpenAI's <c>tool_choice</c>: whether the model may, must, or must not call a function, or which one.</summary>
[GenerateSerializer, Immutable, Alias("verge.ToolChoice")]
public sealed record ToolChoice([property: Id(0)] ToolChoiceMode Mode, [property: Id(1)] string? Function = null)
{
    public static readonly ToolChoice Auto = new(ToolChoiceMode.Auto);

    public static readonly ToolChoice None = new(ToolChoiceMode.None);

    public static readonly ToolChoice Required = new(ToolChoiceMode.Required);
}

public enum ToolChoiceMode
{
    /// <summary>The model decides between text and calls.</summary>
    Auto,

    /// <summary>Text only, even when tools are declared.</summary>
    None,

    /// <summary>At least one call, of any declared function.</summary>
    Required,

    /// <summary>A call of <see cref="ToolChoice.Function"/>.</summary>
    Function,
}
