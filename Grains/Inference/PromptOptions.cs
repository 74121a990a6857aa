using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>What shapes a prompt besides its messages: the tools shown to the model, think mode, template arguments.</summary>
internal sealed record PromptOptions
{
    public static readonly PromptOptions Default = new();

    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    /// <summary>Disable Think: the model answers without reasoning.</summary>
    public bool DisableThink { get; init; }

    /// <summary>Insert Think Tag: the prompt ends inside an opened think block.</summary>
    public bool InsertThinkTag { get; init; }

    /// <summary>The request's <c>chat_template_kwargs</c> as a JSON object text.</summary>
    public string? TemplateArguments { get; init; }

    /// <summary>The user the request is for: only that user's earlier answers keep their generated tokens.</summary>
    public string User { get; init; } = "";
}
