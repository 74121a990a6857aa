namespace Verge.Orleans.Grains.Abstractions.Inference;

public enum FinishReason
{
    /// <summary>An end-of-generation token or a stop string.</summary>
    Stop,

    /// <summary>The token limit or the sequence's context was reached.</summary>
    Length,

    /// <summary>The caller went away.</summary>
    Cancelled,

    /// <summary>The answer ended with one or more complete tool calls.</summary>
    ToolCalls,
}
