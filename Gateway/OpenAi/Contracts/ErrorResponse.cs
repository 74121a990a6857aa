namespace Verge.Orleans.Gateway.OpenAi.Contracts;

/// <summary>OpenAI's error body; <see cref="Err"/> carries VergeOS' <c>"Login required"</c> beside it for key errors.</summary>
internal sealed record ErrorResponse(ErrorBody Error, string? Err = null);

internal sealed record ErrorBody(string Message, string Type, string? Param, string? Code)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    public string? Param { get; init; } = Param;

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    public string? Code { get; init; } = Code;
}
